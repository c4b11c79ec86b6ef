// A browser application bundled by Vite from the installed tarballs: @par/threads
// resolves to its "browser" build (module Web Workers), @par/joblib-style runs
// Parallel on it. The check builds this page and fails on any warning Vite prints.
import { delayed, Parallel } from '@par/joblib-style';
import { Lock, ThreadPool, tasks, Value } from '@par/threads';

const t = tasks(new URL('./tasks.js', import.meta.url));

async function main() {
  const pool = new ThreadPool({ maxWorkers: 2 });
  try {
    const squared = await pool.run(t.square, 4);
    const counter = new Value('i32', 0);
    await pool.run(t.addUnderLock, new Lock(), counter, 100);
    const parallel = await Parallel({ nJobs: 2 })([1, 2, 3].map((x) => delayed(t.square)(x)));
    document.body.textContent = JSON.stringify({ squared, counter: counter.value, parallel });
  } finally {
    await pool.close();
  }
}

main();
