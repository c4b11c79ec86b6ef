// The demo page: a map over Web Workers, a CPU-bound map from a task module, and a
// Lock-protected shared counter. The outcome is also published on window.demoResult.
import { Lock, ThreadPool, tasks, Value } from '@par/threads';

const t = tasks(new URL('./tasks.js', import.meta.url));
const log = document.querySelector('#log');
const show = (ok, text) => {
  const li = document.createElement('li');
  li.className = ok ? 'ok' : 'fail';
  li.textContent = text;
  log.append(li);
};
document.querySelector('#isolated').textContent = String(globalThis.crossOriginIsolated);

const pool = new ThreadPool({ maxWorkers: navigator.hardwareConcurrency || 2 });
const result = {};
try {
  result.squares = await pool.map((n) => n * n, [1, 2, 3, 4, 5, 6, 7, 8]);
  show(true, `pool.map((n) => n * n, [1..8]) = [${result.squares.join(', ')}]`);

  result.primes = await pool.map(t.countPrimes, [10_000, 20_000, 30_000, 40_000]);
  show(
    true,
    `CPU-bound countPrimes over ${pool.stats().workers} workers: [${result.primes.join(', ')}]`,
  );

  if (globalThis.crossOriginIsolated) {
    const lock = new Lock();
    const counter = new Value('i32', 0);
    const add = (l, c, n) => {
      for (let i = 0; i < n; i++) {
        l.acquire();
        c.value += 1;
        l.release();
      }
    };
    await Promise.all([0, 1, 2, 3].map(() => pool.run(add, lock, counter, 2_500)));
    result.counter = counter.value;
    show(
      counter.value === 10_000,
      `4 tasks × 2500 increments under one shared Lock: ${counter.value}`,
    );
  } else {
    show(false, 'not cross-origin isolated: shared memory (Lock, Value) is unavailable here');
  }
} catch (error) {
  result.error = String(error);
  show(false, String(error));
} finally {
  await pool.close();
  window.demoResult = result;
}
