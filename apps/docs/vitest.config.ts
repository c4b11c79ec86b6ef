import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// The apps have no type tests (`test/*.test-d.ts`): their types are checked by `tsc`.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({ test: { typecheck: { enabled: false } } }),
);
