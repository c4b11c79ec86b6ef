import assert from 'node:assert/strict';
import { consume, Queue } from '@par/queue';
import { ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./first-tasks.mjs', import.meta.url));

// producer → bounded queue → consumers that hand the CPU work to a thread pool
const pool = new ThreadPool(2);
const jobs = new Queue({ maxsize: 4 }); // the producer waits while 4 jobs are queued
let mostQueued = 0;
const results = new Map();
try {
  const consumers = consume(
    jobs,
    async ([from, to]) => results.set(from, await pool.run(t.countPrimes, from, to)),
    { concurrency: 2 },
  );
  for (let from = 0; from < 200_000; from += 10_000) {
    await jobs.put([from, from + 10_000]); // backpressure: waits for room
    mostQueued = Math.max(mostQueued, jobs.size);
  }
  jobs.shutdown(); // no more jobs: consume() resolves once the queue is drained
  await consumers;
  assert.equal(results.size, 20);
  assert.equal(
    [...results.values()].reduce((a, b) => a + b, 0),
    17984,
  ); // primes below 200,000
  assert.ok(mostQueued <= 4);
  console.log(`20 jobs through a queue of 4, ${pool.stats().completed} pool calls`);
} finally {
  await pool.close();
}
