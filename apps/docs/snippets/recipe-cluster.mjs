import assert from 'node:assert/strict';
// importing @par/cluster also registers the 'cluster' backend of @par/joblib-style
import { ClusterPool, startWorker, tasks } from '@par/cluster';
import { delayed, Parallel } from '@par/joblib-style';

const connection = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = 'recipes';
const root = new URL('./', import.meta.url); // task modules travel relative to it
const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));

// On each worker machine (here, for the sample, in this process). The same, from a shell:
//   npx par-worker --redis "$REDIS_URL" --queue recipes --root ./ \
//     --allow joblib-tasks.mjs --threads 2
const worker = await startWorker({
  connection,
  queue,
  root,
  allow: ['joblib-tasks.mjs'],
  threads: 2,
});
try {
  // The pool API: what ran on a ThreadPool now runs on every worker of the queue.
  const pool = new ClusterPool({ connection, queue, root }); // (`await using` in TypeScript)
  try {
    const primes = await pool.map(t.heavyTask, [10_000, 20_000, 30_000]);
    assert.deepEqual(primes, [1229, 2262, 3245]);
    const stats = await pool.stats();
    assert.equal(stats.workers, 1); // live workers, from their heartbeats
  } finally {
    await pool.close(); // closes its Redis connections, so the program can exit
  }

  // joblib's Parallel: only the backend and where to find the workers change.
  const parallel = new Parallel({ backend: 'cluster', nJobs: 4, connection, queue, root });
  try {
    const squares = await parallel(Array.from({ length: 10 }, (_, i) => delayed(t.square)(i)));
    assert.deepEqual(squares, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  } finally {
    await parallel[Symbol.asyncDispose]();
  }
} finally {
  await worker.close(); // SIGTERM does this for par-worker: finish active jobs, then exit
}
