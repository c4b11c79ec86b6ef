import assert from 'node:assert/strict';
import { delayed, Parallel, ParallelBusyError, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));
const calls = (n) => Array.from({ length: n }, (_, i) => delayed(t.heavyTask)(1_000 * (i + 1)));

// one instance runs one call at a time: the second call rejects while the first runs
const parallel = new Parallel({ nJobs: 2 });
try {
  const first = parallel(calls(20));
  await assert.rejects(
    async () => parallel(calls(5)),
    (error) => {
      console.log(`${error.name}: ${error.message}`);
      return error instanceof ParallelBusyError && error.code === 'PAR_PARALLEL_BUSY';
    },
  );
  assert.equal((await first).length, 20);
  // the fix: wait for the first call, or give each concurrent run its own Parallel
  const [a, b] = await Promise.all([
    Parallel({ nJobs: 2 })(calls(5)),
    Parallel({ nJobs: 2 })(calls(5)),
  ]);
  assert.deepEqual(a, b);
} finally {
  await parallel[Symbol.asyncDispose]();
}
