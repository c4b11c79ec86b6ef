import { defineConfig } from 'vitest/config';

/** Shared vitest settings: runtime tests in test/*.test.ts, type tests in test/*.test-d.ts. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
