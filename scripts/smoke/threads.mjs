// Smoke test of the installed @par/threads tarball: the worker entry file starts from
// the installed package, task modules and inline functions run, shared memory works.
import assert from 'node:assert/strict';
import { Lock, Thread, ThreadPool, tasks, Value } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 2 });
try {
  assert.deepEqual(await pool.map(t.square, [1, 2, 3]), [1, 4, 9]);
  assert.equal(await pool.run((n) => n + 1, 41), 42);
  const lock = new Lock();
  const counter = new Value('i32', 0);
  await Promise.all([
    pool.run(t.addUnderLock, lock, counter, 1000),
    pool.run(t.addUnderLock, lock, counter, 1000),
  ]);
  assert.equal(counter.value, 2000);
} finally {
  await pool.close();
}
const thread = new Thread(t.square, { args: [5] });
thread.start();
assert.equal(await thread.join(), 25);
console.log('@par/threads smoke OK');
