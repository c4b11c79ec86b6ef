import assert from 'node:assert/strict';
import { delayed, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));

// Python:
//   from joblib import Parallel, delayed
//   results = Parallel(n_jobs=4)(delayed(square)(i) for i in range(10))
const results = await Parallel({ nJobs: 4 })(
  Array.from({ length: 10 }, (_, i) => delayed(t.square)(i)),
);
assert.deepEqual(results, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);

// a generator works too, read lazily, like joblib's generator expression
function* calls() {
  for (let i = 0; i < 10; i++) yield delayed(t.countPrimes)(1_000 * (i + 1));
}
const primes = await Parallel({ nJobs: -1 })(calls()); // n_jobs=-1: every CPU
assert.deepEqual(primes.slice(0, 3), [168, 303, 430]);
console.log(results);
