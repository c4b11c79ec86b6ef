import assert from 'node:assert/strict';
import { ProcessPool } from '@par/processes';
import { ThreadPool, tasks } from '@par/threads';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));
const numbers = Array.from({ length: 10 }, (_, i) => i);

// Python:
//   with Pool(4) as p:
//       print(p.map(square, range(10)))
const pool = new ThreadPool(4); // threads: JavaScript has no GIL, so threads use every core
try {
  assert.deepEqual(await pool.map(t.square, numbers), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
} finally {
  await pool.close();
}

// the same with child processes, when you need isolation rather than speed
const processes = new ProcessPool(2);
try {
  assert.deepEqual(await processes.map(t.square, numbers), [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
} finally {
  await processes.close();
}
console.log('squares computed on threads and on processes');
