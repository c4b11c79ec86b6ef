// Smoke test of the installed @par/joblib-style tarball: Parallel on threads (the
// installed @par/threads worker entry), on processes (a runtime import of the
// installed @par/processes), on async, and Memory on disk.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delayed, Memory, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));
const calls = () => [1, 2, 3].map((x) => delayed(t.square)(x));
for (const backend of ['threads', 'processes', 'async', 'sequential']) {
  assert.deepEqual(await Parallel({ nJobs: 2, backend })(calls()), [1, 4, 9]);
}
const location = await mkdtemp(join(tmpdir(), 'par-joblib-smoke-'));
try {
  let computed = 0;
  const cached = new Memory({ location }).cache((x) => {
    computed++;
    return x * 2;
  });
  assert.equal(await cached(21), 42);
  assert.equal(await cached(21), 42);
  assert.equal(computed, 1);
} finally {
  await rm(location, { recursive: true, force: true });
}
console.log('@par/joblib-style smoke OK');
