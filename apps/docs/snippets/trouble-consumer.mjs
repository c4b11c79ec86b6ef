import assert from 'node:assert/strict';
import { Queue } from '@par/queue';
import { Thread } from '@par/threads';

// A consumer thread waiting on get() would keep the program alive after the work is done.
const queue = new Queue();
const consumer = new Thread(
  async (jobs) => {
    let handled = 0;
    for await (const _job of jobs) handled++; // ends once the queue is shut down and drained
    return handled;
  },
  { args: [queue] },
).start();

for (let i = 0; i < 5; i++) await queue.put(i);
await queue.join(); // all 5 handled, but the consumer still waits for a sixth…
queue.shutdown(); // …until shutdown() ends its loop
assert.equal(await consumer.join(), 5);
console.log('the program exits on its own');
