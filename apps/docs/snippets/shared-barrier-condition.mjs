import assert from 'node:assert/strict';
import { Barrier, Condition, Lock, sharedArray, ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 3 });
try {
  // Barrier: nobody starts phase 2 before everyone finished phase 1
  const barrier = new Barrier(3);
  const cells = sharedArray(Int32Array, 3);
  const phases = await Promise.all([0, 1, 2].map((i) => pool.run(t.twoPhases, barrier, cells, i)));
  assert.deepEqual(
    phases.map((p) => p.total),
    [6, 6, 6],
  ); // everyone saw every cell
  assert.deepEqual(phases.map((p) => p.arrival).sort(), [0, 1, 2]); // distinct arrival indexes

  // Condition: a producer and a consumer hand values over through a one-slot box
  const cond = new Condition(new Lock());
  const box = sharedArray(Int32Array, 2); // [full?, value]
  const consumed = pool.run(t.consumer, cond, box, 10);
  await pool.run(t.producer, cond, box, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(await consumed, 55);
} finally {
  await pool.close();
}
