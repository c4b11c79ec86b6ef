import assert from 'node:assert/strict';
import { NotCloneableError, ThreadPool, tasks } from '@par/threads';
import { Point } from './trouble-tasks.mjs';

const t = tasks(new URL('./trouble-tasks.mjs', import.meta.url));
const pool = new ThreadPool(1);
try {
  // A function (or a symbol, a socket, a class with private state) cannot be copied to a worker.
  const notCloneable = await pool
    .run(
      (f) => f(),
      () => 1,
    )
    .catch((e) => e);
  assert.ok(notCloneable instanceof NotCloneableError);
  assert.equal(notCloneable.code, 'PAR_NOT_CLONEABLE');
  assert.match(notCloneable.message, /argument 0 \(a function\) could not be sent to the worker/);

  // A class instance arrives as a plain object with the same fields, without its methods.
  const lost = await pool.run(t.normOf, new Point(3, 4)).catch((e) => e);
  assert.ok(lost instanceof TypeError);
  assert.equal(lost.message, 'point.norm is not a function');

  // Rebuild it from its data in the task (or send the data and keep the methods in the module).
  assert.equal(await pool.run(t.normOfData, new Point(3, 4)), 5);
  console.log(notCloneable.message);
} finally {
  await pool.close();
}
