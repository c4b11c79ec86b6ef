import assert from 'node:assert/strict';
import { Process, tasks } from '@par/processes';
import { Queue } from '@par/queue';

const t = tasks(new URL('./processes-tasks.mjs', import.meta.url));

// multiprocessing.JoinableQueue: the queues live in the parent; each child gets a
// handle with the same async API (get, put, taskDone, ...).
const jobs = new Queue();
const results = new Queue();
const workers = [1, 2].map(() => new Process(t.worker, { args: [jobs, results] }).start());

for (let n = 1; n <= 6; n++) await jobs.put(n);
await jobs.join(); // every job was taken and marked done by a child
jobs.shutdown(); // the children's next get() rejects with QueueShutDown: they return

const done = [];
while (!results.empty()) done.push(await results.get());
assert.deepEqual(
  done.map((r) => r.square).sort((a, b) => a - b),
  [1, 4, 9, 16, 25, 36],
);
for (const w of workers) assert.equal(await w.join(), 0);
console.log(`${done.length} results from pids ${[...new Set(done.map((r) => r.pid))].join(', ')}`);
