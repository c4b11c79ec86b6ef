import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { poolTestConfig } from '../../vitest.shared.js';

// Tests run against the built package (like tinypool's): children are started from
// dist/process-entry.cjs, which only exists after `npx tsup`.
export default mergeConfig(
  poolTestConfig,
  defineConfig({
    resolve: {
      alias: { '@par/processes': fileURLToPath(new URL('./dist/index.js', import.meta.url)) },
    },
    test: { testTimeout: 60_000, hookTimeout: 60_000 },
  }),
);
