// Smoke test of the installed @par/queue tarball: the queue-tutorial pattern.
import assert from 'node:assert/strict';
import { sleep } from '@par/async';
import { PriorityQueue, Queue, QueueShutDown } from '@par/queue';

const queue = new Queue({ maxsize: 2 });
const seen = [];
const worker = (async () => {
  for await (const item of queue) {
    await sleep(1);
    seen.push(item);
  }
})();
for (let i = 0; i < 5; i++) await queue.put(i);
await queue.join();
queue.shutdown();
await worker;
assert.deepEqual(seen, [0, 1, 2, 3, 4]);
await assert.rejects(queue.put(9), QueueShutDown);

const pq = new PriorityQueue();
for (const n of [3, 1, 2]) pq.putNowait(n);
assert.deepEqual([pq.getNowait(), pq.getNowait(), pq.getNowait()], [1, 2, 3]);
console.log('@par/queue smoke OK');
