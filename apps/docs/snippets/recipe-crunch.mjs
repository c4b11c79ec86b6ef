import assert from 'node:assert/strict';
import { ThreadPool, tasks, transfer } from '@par/threads';

const t = tasks(new URL('./recipe-tasks.mjs', import.meta.url));

// 8 chunks of 250,000 numbers: each chunk's buffer moves to a worker and back, never copied
const chunks = Array.from({ length: 8 }, (_, c) =>
  Float64Array.from({ length: 250_000 }, (_, i) => Math.sin(i + c) * 100 + c),
);
const pool = new ThreadPool();
try {
  const buffers = await Promise.all(
    chunks.map((chunk) => pool.run(t.standardise, transfer(chunk.buffer, [chunk.buffer]))),
  );
  assert.ok(chunks.every((chunk) => chunk.byteLength === 0)); // moved, not copied
  const first = new Float64Array(buffers[0]);
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  assert.ok(Math.abs(mean) < 1e-9);
  console.log(`standardised ${buffers.length} chunks of ${first.length} numbers`);
} finally {
  await pool.close();
}
