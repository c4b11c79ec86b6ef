import assert from 'node:assert/strict';
import { asCompleted } from '@par/async';
import { ThreadPoolExecutor, tasks } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));

// Python:
//   with ThreadPoolExecutor(max_workers=4) as ex:
//       futures = [ex.submit(count_primes, a, a + 10_000) for a in range(0, 40_000, 10_000)]
//       for f in as_completed(futures): print(f.result())
const executor = new ThreadPoolExecutor({ maxWorkers: 4 });
try {
  const starts = [0, 10_000, 20_000, 30_000];
  const futures = starts.map((a) => executor.submit(t.countPrimes, a, a + 10_000));
  let total = 0;
  for await (const count of asCompleted(futures)) total += count; // completion order
  assert.equal(total, 4203); // primes below 40,000

  // executor.map yields in input order, like Python's Executor.map
  const squares = [];
  for await (const sq of executor.map(t.square, [1, 2, 3])) squares.push(sq);
  assert.deepEqual(squares, [1, 4, 9]);

  // a Future is PromiseLike, with Python's methods
  const future = executor.submit(t.square, 9);
  assert.equal(await future.result(), 81);
  assert.equal(future.done(), true);
  console.log(total, squares);
} finally {
  await executor.shutdown(); // wait=true: pending futures finish first
}
