// The CPU section's Parallel row: joblib's Parallel from @par/joblib-style, as an
// instance that holds its workers (started before the timed call, like the pools').
import { delayed, Parallel } from '@par/joblib-style';
import { t } from '../task-refs.mjs';

/** @type {import('./cpu-runners.mjs').CpuRunner} */
export const parallelRunner = {
  label: 'Parallel (threads)',
  workers: (n) => n,
  async start(workers) {
    const parallel = new Parallel({ nJobs: workers });
    await parallel(Array.from({ length: workers }, () => delayed(t.square)(2)));
    return {
      map: (ranges) => parallel(ranges.map((range) => delayed(t.countPrimesInRange)(range))),
      async close() {
        await parallel[Symbol.asyncDispose]();
      },
    };
  },
};
