import assert from 'node:assert/strict';
import { TaskClosureError, ThreadPool, tasks, UnknownTaskError } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 1 });
try {
  // errors cross the boundary with name, message, stack, cause and own properties
  const failing = (n) => {
    throw Object.assign(new RangeError(`bad input ${n}`), { code: 'E_INPUT' });
  };
  const error = await pool.run(failing, 7).catch((e) => e);
  assert.ok(error instanceof RangeError);
  assert.equal(error.code, 'E_INPUT');

  // a typo in a task name lists what the module exports
  const typo = await pool.run(t.sqaure, 2).catch((e) => e);
  assert.ok(typo instanceof UnknownTaskError);
  assert.ok(typo.exports.includes('square'));

  // a function that captures an outer variable cannot be sent; the error says how to fix it
  const factor = 3;
  const closure = await pool.run((n) => n * factor, 2).catch((e) => e);
  assert.ok(closure instanceof TaskClosureError);
  assert.equal(closure.variable, 'factor');
  console.log(closure.message);
} finally {
  await pool.close();
}
