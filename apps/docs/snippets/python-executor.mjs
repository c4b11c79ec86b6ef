import assert from 'node:assert/strict';
import { asCompleted } from '@par/async';
import { ThreadPoolExecutor, tasks } from '@par/threads';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));

// Python:
//   with ThreadPoolExecutor(max_workers=2) as ex:
//       futures = {ex.submit(count_primes, n): n for n in (30_000, 10_000, 20_000)}
//       for f in as_completed(futures):
//           print(futures[f], f.result())
//       print(list(ex.map(square, [1, 2, 3])))
const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
try {
  const limits = [30_000, 10_000, 20_000];
  const futures = limits.map((n) => executor.submit(t.countPrimes, n));

  // asCompleted yields each *result* as it is ready (Python yields the future).
  // To know which input a result belongs to, let each promise carry its input:
  const tagged = futures.map((future, i) => future.then((count) => ({ limit: limits[i], count })));
  const seen = new Map();
  for await (const { limit, count } of asCompleted(tagged)) seen.set(limit, count);
  assert.deepEqual(Object.fromEntries(seen), { 10000: 1229, 20000: 2262, 30000: 3245 });

  // a Future has Python's methods; awaiting it is future.result()
  assert.equal(futures[0].done(), true);
  assert.equal(await futures[0].result(), 3245);

  // Executor.map: results in input order
  const squares = [];
  for await (const sq of executor.map(t.square, [1, 2, 3])) squares.push(sq);
  assert.deepEqual(squares, [1, 4, 9]);
} finally {
  await executor.shutdown(); // shutdown(wait=True), what Python's `with` does
}
console.log('executor done');
