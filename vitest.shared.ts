import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';

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

/**
 * The shared settings plus the leak check (vitest.leaks.ts): after each test file no
 * worker thread, child process, timer or open handle it started may remain. For the
 * packages whose tests start pools.
 */
export const poolTestConfig = mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: { setupFiles: [fileURLToPath(new URL('./vitest.leaks.ts', import.meta.url))] },
  }),
);
