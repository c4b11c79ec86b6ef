import assert from 'node:assert/strict';
import { consume, Queue } from '@par/queue';

// consume() runs the worker loop for you: at most `concurrency` handlers at once,
// taskDone() after every item (success or failure), failures collected.
const queue = new Queue<string>();
let running = 0;
let peak = 0;

const done = consume(
  queue,
  async (url) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, 1)); // pretend to download
    running--;
    if (url.endsWith('/broken')) throw new Error(`could not fetch ${url}`);
  },
  { concurrency: 4 },
);

for (const path of ['a', 'b', 'broken', 'c', 'd', 'e', 'f', 'g']) {
  await queue.put(`https://example.com/${path}`);
}
await queue.join(); // every url handled, the broken one included
queue.shutdown(); // consumers stop once the queue is drained

const failure = await done.catch((error: unknown) => error);
assert.ok(failure instanceof AggregateError);
assert.equal(failure.errors.length, 1);
assert.equal(peak, 4);
console.log(failure.errors[0].message);
