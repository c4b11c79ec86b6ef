// The ways the CPU section runs the same prime count: each runner starts its
// workers (not timed), maps countPrimesInRange over the ranges (timed), and closes.
// A runner is a plain object, so another package's way (Parallel) plugs in beside these.
import { ProcessPool } from '@par/processes';
import { ThreadPool } from '@par/threads';
import { t } from '../task-refs.mjs';
import { countPrimesInRange } from '../tasks.mjs';

/**
 * @typedef {object} CpuRun
 * @property {(ranges: [number, number][], progress: { tick(n?: number): void }) => Promise<number[]>} map
 * @property {() => Promise<void>} close
 *
 * @typedef {object} CpuRunner
 * @property {string} label the row's name in the table
 * @property {(workers: number) => number} workers how many workers it uses
 * @property {boolean} [countsProgress] whether `map` ticks the progress per range (else a spinner shows)
 * @property {(workers: number) => Promise<CpuRun>} start starts the workers and waits until they answer
 */

/** @type {CpuRunner} */
export const sequential = {
  label: 'sequential (one thread)',
  workers: () => 1,
  countsProgress: true,
  async start() {
    return {
      async map(ranges, progress) {
        return ranges.map((range) => {
          const primes = countPrimesInRange(range);
          progress.tick();
          return primes;
        });
      },
      async close() {},
    };
  },
};

/**
 * A runner on one of the pools: `minWorkers` starts every worker at once, and one
 * call per worker waits until they all answer, so the timed map is pure work.
 * @param {string} label
 * @param {(workers: number) => ThreadPool | ProcessPool} create
 * @returns {CpuRunner}
 */
function poolRunner(label, create) {
  return {
    label,
    workers: (n) => n,
    async start(workers) {
      const pool = create(workers);
      await Promise.all(Array.from({ length: workers }, () => pool.run(t.square, 2)));
      return {
        map: (ranges) => pool.map(t.countPrimesInRange, ranges),
        close: () => pool.close(),
      };
    },
  };
}

export const threadPool = poolRunner(
  'ThreadPool.map',
  (n) => new ThreadPool({ maxWorkers: n, minWorkers: n }),
);

export const processPool = poolRunner(
  'ProcessPool.map',
  (n) => new ProcessPool({ maxWorkers: n, minWorkers: n }),
);
