import assert from 'node:assert/strict';
import { ThreadPool } from '@par/threads';

// A worker's console.log travels to the main thread as a message, and can be printed after
// output the main thread wrote later. Return what you want to print in order.
const pool = new ThreadPool(2);
try {
  const lines = await pool.map((n) => `item ${n} done in thread`, [1, 2, 3]);
  for (const line of lines) console.log(line); // printed by the main thread, in order
  assert.deepEqual(lines, [
    'item 1 done in thread',
    'item 2 done in thread',
    'item 3 done in thread',
  ]);
} finally {
  await pool.close();
}
