import assert from 'node:assert/strict';
import { ProcessPool, tasks, WorkerCrashedError } from '@par/processes';

const t = tasks(new URL('./processes-tasks.mjs', import.meta.url));

// Python's Pool hangs forever when a worker is killed; here the affected call
// rejects with WorkerCrashedError and the pool replaces the child.
const pool = new ProcessPool({ maxWorkers: 2 });
try {
  const error = await pool.run(t.crash).catch((e) => e);
  assert.ok(error instanceof WorkerCrashedError);
  assert.equal(error.code, 'PAR_WORKER_CRASHED');
  assert.equal(error.signal, 'SIGKILL');
  console.log(error.message);

  assert.equal(await pool.run(t.square, 12), 144); // still serving
} finally {
  await pool.close();
}
