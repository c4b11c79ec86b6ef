import assert from 'node:assert/strict';
import { sleep, TaskGroup, taskGroup } from '@par/async';

// The first failure aborts the group's signal; the group waits for every task,
// then throws an AggregateError of the failures.
let cancelled = false;
const error = await taskGroup(async (tg) => {
  tg.spawn(async (signal) => {
    try {
      await sleep(10_000, undefined, { signal });
    } catch (reason) {
      cancelled = signal.aborted;
      throw reason; // rejecting with the group's own abort reason is not a failure
    }
  });
  tg.spawn(async () => {
    await sleep(5);
    throw new Error('payment service down');
  });
}).catch((e: unknown) => e);

assert.ok(error instanceof AggregateError);
assert.equal(error.errors.length, 1);
assert.equal((error.errors[0] as Error).message, 'payment service down');
assert.ok(cancelled);

// `await using` waits for the group when the block ends (TypeScript lowers it).
const results: number[] = [];
{
  await using tg = new TaskGroup();
  for (const n of [3, 1, 2]) tg.spawn(async () => results.push(await sleep(n, n)));
}
// every task finished before the block ended (in whatever order the timers fired)
assert.deepEqual(
  results.sort((a, b) => a - b),
  [1, 2, 3],
);
console.log('task group ok');
