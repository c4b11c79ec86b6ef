import assert from 'node:assert/strict';
import { Event, ThreadPool, tasks, Value } from '@par/threads';

const t = tasks(new URL('./shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 2 });
try {
  // multiprocessing.Value('i', 0): one shared number with its own lock
  const hits = new Value('i32', 0);
  await Promise.all([0, 1].map(() => pool.run(t.countHits, hits, 1_000)));
  assert.equal(hits.value, 2_000);

  // Event: a task blocks in wait() until the main thread sets the flag
  const start = new Event();
  const waiting = pool.run(t.waitForStart, start, 5_000);
  start.set();
  assert.equal(await waiting, 'started');
  // a wait whose timeout passes answers false, like Python
  assert.equal(await pool.run(t.waitForStart, new Event(), 10), 'gave up');
} finally {
  await pool.close();
}
