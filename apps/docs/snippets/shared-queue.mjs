import assert from 'node:assert/strict';
import { Queue } from '@par/queue';
import { ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 3 });
try {
  // the main thread owns both queues; each task sees async handles on them
  const jobs = new Queue({ maxsize: 5 });
  const results = new Queue();
  const workers = [0, 1, 2].map(() => pool.run(t.worker, jobs, results));

  for (let n = 1; n <= 20; n++) await jobs.put(n); // waits while 5 are queued
  await jobs.join(); // every job was taken and marked done by a worker thread
  jobs.shutdown(); // ends the workers' for-await loops
  await Promise.all(workers);

  const squares = [];
  while (!results.empty()) squares.push(results.getNowait());
  assert.deepEqual(
    squares.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => (i + 1) ** 2),
  );
} finally {
  await pool.close();
}
