import assert from 'node:assert/strict';
import { ThreadPool, tasks, transfer } from '@par/threads';

const t = tasks(new URL('./shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 1 });
try {
  const bytes = new Uint8Array(1_000_000).fill(1);
  // the buffer moves to the worker instead of being copied…
  assert.equal(await pool.run(t.sum, transfer(bytes.buffer, [bytes.buffer])), 1_000_000);
  // …so it is no longer usable here
  assert.equal(bytes.byteLength, 0);
} finally {
  await pool.close();
}
