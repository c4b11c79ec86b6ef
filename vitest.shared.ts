import { defineConfig } from 'vitest/config';

/** Shared vitest settings: runtime tests in test/*.test.ts, type tests in test/*.test-d.ts. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    // A safety net that turns a hang into a failure; never the thing a test asserts. Generous,
    // because a test that starts workers or processes can wait long for a core on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // An unhandled rejection or uncaught error anywhere fails the run, even when every
    // assertion passed (vitest's default, stated here so that nobody turns it off).
    dangerouslyIgnoreUnhandledErrors: false,
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
