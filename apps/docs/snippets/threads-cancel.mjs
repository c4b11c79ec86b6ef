import assert from 'node:assert/strict';
import { ThreadPool, TimeoutError, tasks } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));

const pool = new ThreadPool({ maxWorkers: 2, gracePeriod: 500 });
try {
  // timeout counts running time; the task's taskSignal() aborts with the TimeoutError
  const late = await pool.run({ task: t.longJob, args: [1_000], timeout: 50 }).catch((e) => e);
  assert.ok(late instanceof TimeoutError);

  // an AbortSignal cancels a call: removed if queued, signalled if running
  const controller = new AbortController();
  const call = pool.run({ task: t.longJob, args: [1_000], signal: controller.signal });
  setTimeout(() => controller.abort(new Error('user pressed cancel')), 20);
  await assert.rejects(call, /user pressed cancel/);

  assert.equal(await pool.run({ task: t.longJob, args: [2], timeout: 5_000 }), 'finished');
  console.log('cancelled and timed out cleanly');
} finally {
  await pool.close();
}
