import assert from 'node:assert/strict';
import { ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));

// Python: with Pool(4) as p: print(p.map(square, range(10)))
const pool = new ThreadPool({ maxWorkers: 4 });
try {
  const squares = await pool.map(
    t.square,
    Array.from({ length: 10 }, (_, i) => i),
  );
  assert.deepEqual(squares, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);

  // one call; a self-contained function works too (its source is sent once per worker)
  assert.equal(await pool.run(t.square, 12), 144);
  assert.equal(await pool.run((a, b) => a + b, 2, 3), 5);

  // starmap spreads argument lists; imap streams results in order, reading lazily
  const counts = await pool.starmap(t.countPrimes, [
    [0, 10_000],
    [10_000, 20_000],
  ]);
  assert.deepEqual(counts, [1229, 1033]);
  const firsts = [];
  for await (const isPrime of pool.imap(t.isPrime, [2, 3, 4, 5])) firsts.push(isPrime);
  assert.deepEqual(firsts, [true, true, false, true]);
  console.log(squares, counts, pool.stats().completed);
} finally {
  await pool.close(); // queued work finishes, then the workers exit
}
