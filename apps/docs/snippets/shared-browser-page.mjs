import assert from 'node:assert/strict';
import { Lock, sharedArray, ThreadPool } from '@par/threads';

// In a browser, '@par/threads' resolves to its Web Worker build; the code is the
// same as in Node (this file runs in both).
const pool = new ThreadPool({ maxWorkers: 2 });
try {
  // works on every page: inline functions, map, transfer, queues
  const doubled = await pool.map((n) => n * 2, [1, 2, 3, 4]);
  assert.deepEqual(doubled, [2, 4, 6, 8]);

  // needs a cross-origin-isolated page (COOP + COEP headers)
  const canShare =
    typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated !== false;
  if (canShare) {
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    const increment = (lock, counter, n) => {
      for (let i = 0; i < n; i++) {
        lock.acquire(); // a worker blocks here (Atomics.wait)
        counter[0] += 1;
        lock.release();
      }
    };
    await Promise.all([0, 1].map(() => pool.run(increment, lock, counter, 1_000)));
    assert.equal(counter[0], 2_000);
  }
} finally {
  await pool.close();
}
