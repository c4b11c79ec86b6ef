import { defineConfig, mergeConfig } from 'vitest/config';
import { poolTestConfig } from '../../vitest.shared.js';

// Tests run against the built package (par-worker is dist/bin.js) and a real
// redis-server each test file starts on a free port.
export default mergeConfig(
  poolTestConfig,
  defineConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } }),
);
