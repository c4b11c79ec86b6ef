// The worker's clock. The `performance` global of Node is a lazy getter that loads
// perf_hooks on its first use, a cost in every child process's start-up (about half a
// millisecond); process.hrtime reads the same monotonic clock without it. Elsewhere
// (a browser, Deno) `performance.now()` is the clock.

const hrtime = (globalThis as { process?: { hrtime?: NodeJS.HRTime } }).process?.hrtime;

/**
 * @internal Milliseconds on a monotonic clock: for measuring spans within one worker
 * (its zero is arbitrary).
 */
export const now: () => number =
  typeof hrtime === 'function'
    ? () => {
        const [s, ns] = hrtime();
        return s * 1e3 + ns / 1e6;
      }
    : () => performance.now();
