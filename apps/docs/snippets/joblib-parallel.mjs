import assert from 'node:assert/strict';
import { delayed, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));

// Python: Parallel(n_jobs=4)(delayed(heavy_task)(i) for i in range(10))
const inputs = Array.from({ length: 10 }, (_, i) => 1000 * (i + 1));
const results = await Parallel({ nJobs: 4 })(inputs.map((x) => delayed(t.heavyTask)(x)));
assert.deepEqual(results.slice(0, 3), [168, 303, 430]);

// a self-contained function works too: its source is sent to the workers
const cubes = await Parallel({ nJobs: 2 })([1, 2, 3].map((x) => delayed((y) => y ** 3)(x)));
assert.deepEqual(cubes, [1, 8, 27]);

// with Parallel(n_jobs=2) as parallel: … — an instance keeps its workers between calls
// (in TypeScript: `await using parallel = new Parallel({ nJobs: 2 })`)
const parallel = new Parallel({ nJobs: 2 });
try {
  const a = await parallel([1, 2].map((x) => delayed(t.square)(x)));
  const b = await parallel([3, 4].map((x) => delayed(t.square)(x)));
  assert.deepEqual([...a, ...b], [1, 4, 9, 16]);
} finally {
  await parallel[Symbol.asyncDispose]();
}

// the first failure rejects at once with the original error, and cancels the rest
await assert.rejects(
  Parallel({ nJobs: 2 })([1, -2, 3].map((x) => delayed(t.checkPositive)(x))),
  (error) => error instanceof RangeError && error.parallelCall.index === 1,
);
console.log(results);
