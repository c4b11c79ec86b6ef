import assert from 'node:assert/strict';
import { ProcessPool, tasks } from '@par/processes';

const t = tasks(new URL('./processes-tasks.mjs', import.meta.url));

// with Pool(4) as p: p.map(square, range(10))
const pool = new ProcessPool({ maxWorkers: 4 });
try {
  const squares = await pool.map(
    t.square,
    Array.from({ length: 10 }, (_, i) => i),
  );
  assert.deepEqual(squares, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);

  // apply / applyAsync / starmap, under Python's names
  assert.equal(await pool.apply(t.add, [2, 3]), 5);
  assert.deepEqual(
    await pool.starmap(t.add, [
      [1, 2],
      [3, 4],
    ]),
    [3, 7],
  );

  // imapUnordered streams results as children finish them
  const sums = [];
  for await (const sum of pool.imapUnordered(t.sumPrimes, [1_000, 2_000, 3_000])) sums.push(sum);
  assert.deepEqual(
    sums.sort((x, y) => x - y),
    [76127, 277050, 593823],
  );
  console.log(squares, sums);
} finally {
  await pool.close(); // queued work finishes, then the children exit
}
