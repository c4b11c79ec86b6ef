import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// No type tests here (`test/*.test-d.ts`): the helpers' types are checked by `tsc`.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({ test: { typecheck: { enabled: false } } }),
);
