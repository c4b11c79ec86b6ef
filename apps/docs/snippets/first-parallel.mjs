import assert from 'node:assert/strict';
import { cpuCount, ThreadPool, tasks } from '@par/threads';
import { countPrimes } from './first-tasks.mjs';

// Python:
//   with Pool() as pool:
//       counts = pool.starmap(count_primes, ranges)
const t = tasks(new URL('./first-tasks.mjs', import.meta.url));
const ranges = Array.from({ length: 8 }, (_, i) => [i * 150_000, (i + 1) * 150_000]);

// one thread: the ranges one after the other
let start = performance.now();
const serial = ranges.map(([from, to]) => countPrimes(from, to));
const serialMs = performance.now() - start;

// a pool of worker threads, one per core: the ranges in parallel
const pool = new ThreadPool(); // maxWorkers: cpuCount()
try {
  // start every worker before timing (concurrent calls each get a new worker)
  await Promise.all(ranges.slice(0, pool.maxWorkers).map(() => pool.run(t.countPrimes, 0, 10)));
  start = performance.now();
  const parallel = await pool.starmap(t.countPrimes, ranges);
  const parallelMs = performance.now() - start;

  assert.deepEqual(parallel, serial);
  const total = parallel.reduce((a, b) => a + b, 0);
  console.log(`${total} primes below 1,200,000`);
  console.log(`1 thread: ${serialMs.toFixed(0)} ms`);
  console.log(`${pool.maxWorkers} threads: ${parallelMs.toFixed(0)} ms`);
  console.log(`speed-up: ${(serialMs / parallelMs).toFixed(1)}× on ${cpuCount()} cores`);
} finally {
  await pool.close();
}
