import assert from 'node:assert/strict';
import { Barrier, Lock, sharedArray, ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 4 });
try {
  // four tasks deposit 1 five thousand times each into one shared balance
  const lock = new Lock();
  const balance = sharedArray(Float64Array, 1);
  await Promise.all([1, 2, 3, 4].map(() => pool.run(t.deposit, lock, balance, 1, 5_000)));
  assert.equal(balance[0], 20_000); // exact: the lock serialises read-and-write

  // without the lock, reads and writes interleave and updates are lost
  const unsafe = sharedArray(Float64Array, 1);
  const barrier = new Barrier(4); // every task reads before any writes
  await Promise.all([1, 2, 3, 4].map(() => pool.run(t.unsafeDeposit, barrier, unsafe, 1)));
  assert.equal(unsafe[0], 1); // four deposits, three lost

  // on the main thread the same lock is awaited: the event loop never blocks
  if (await lock.acquire({ timeout: 100 })) {
    try {
      balance[0] = 0;
    } finally {
      lock.release();
    }
  }
  assert.equal(balance[0], 0);
} finally {
  await pool.close();
}
