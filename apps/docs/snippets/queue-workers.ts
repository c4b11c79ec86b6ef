import assert from 'node:assert/strict';
import { Queue } from '@par/queue';

// Python's queue tutorial: worker "threads" take tasks from a shared queue,
// the main program puts the work in and waits with join() until all of it is done.
const queue = new Queue<number>({ maxsize: 10 });
const results: string[] = [];

async function worker(name: string): Promise<void> {
  // for-await marks each item done when it asks for the next one,
  // and ends once the queue is shut down and drained
  for await (const task of queue) {
    await new Promise((resolve) => setTimeout(resolve, task % 3)); // some I/O
    results.push(`${name} finished task ${task}`);
  }
}

const workers = ['worker-1', 'worker-2', 'worker-3'].map(worker);

for (let task = 0; task < 30; task++) await queue.put(task); // waits while 10 are queued
await queue.join(); // blocks until every task has been processed
assert.equal(results.length, 30);

queue.shutdown(); // turn the workers off
await Promise.all(workers);
console.log(`all work completed by ${new Set(results.map((r) => r.split(' ')[0])).size} workers`);
