import assert from 'node:assert/strict';
import { asCompleted } from '@par/async';
import { ProcessPoolExecutor, tasks } from '@par/processes';

const t = tasks(new URL('./processes-tasks.mjs', import.meta.url));

// concurrent.futures: submit() returns a Future; asCompleted yields in completion order.
const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
try {
  const limits = [5_000, 1_000, 3_000];
  const futures = limits.map((limit) => executor.submit(t.sumPrimes, limit));
  const done = [];
  for await (const sum of asCompleted(futures)) done.push(sum);
  assert.deepEqual(
    done.sort((a, b) => a - b),
    [76127, 593823, 1548136],
  );
  assert.ok(futures.every((future) => future.done()));

  // Executor.map yields in input order
  const ordered = [];
  for await (const sq of executor.map(t.square, [3, 1, 2])) ordered.push(sq);
  assert.deepEqual(ordered, [9, 1, 4]);
  console.log(done, ordered);
} finally {
  await executor.shutdown({ wait: true });
}
