import assert from 'node:assert/strict';
import { Queue, QueueShutDown } from '@par/queue';

// shutdown(): no new items, but consumers drain what is left.
const queue = new Queue<string>();
queue.putNowait('a');
queue.putNowait('b');
queue.shutdown();
await assert.rejects(queue.put('c'), QueueShutDown);
assert.equal(await queue.get(), 'a');
assert.equal(await queue.get(), 'b');
await assert.rejects(queue.get(), QueueShutDown); // drained: get gives up

// shutdown({ immediate: true }): drop what is left; join() still waits for the
// items consumers already hold (Python 3.13+, gh-137088).
const jobs = new Queue<number>();
for (const n of [1, 2, 3]) jobs.putNowait(n);
const held = jobs.getNowait(); // a consumer is working on it
let joined = false;
const join = jobs.join().then(() => {
  joined = true;
});
jobs.shutdown({ immediate: true });
assert.equal(jobs.size, 0);
await new Promise((resolve) => setTimeout(resolve, 1));
assert.equal(joined, false); // item `held` is not done yet
jobs.taskDone(); // the consumer finishes it
await join;
console.log(`finished job ${held}; join resolved after an immediate shutdown`);
