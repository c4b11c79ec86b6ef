// Smoke test of the installed @par/processes tarball: the child entry file starts
// from the installed package; a crash rejects one call and the pool goes on.
import assert from 'node:assert/strict';
import { Process, ProcessPool, WorkerCrashedError } from '@par/processes';

const pool = new ProcessPool({ maxWorkers: 2 });
try {
  assert.deepEqual(await pool.map((n) => n * n, [1, 2, 3]), [1, 4, 9]);
  await assert.rejects(
    pool.run(() => process.exit(5)),
    WorkerCrashedError,
  );
  assert.equal(await pool.run((n) => n * 2, 21), 42);
} finally {
  await pool.close();
}
const child = new Process(() => {
  process.exitCode = 4;
});
child.start();
assert.equal(await child.join(), 4);
console.log('@par/processes smoke OK');
