// Shared-memory primitives between this page (async forms) and raw module Web
// Workers (blocking forms), without the pool.
import { Barrier } from '../../../src/shared/barrier.js';
import { Event } from '../../../src/shared/event.js';
import { Lock } from '../../../src/shared/lock.js';

declare global {
  interface Window {
    parResult?: unknown;
    parError?: string;
  }
}

async function main() {
  const lock = new Lock();
  const barrier = new Barrier(3);
  const done = new Event();
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const spawn = () =>
    new Promise<{ indexes: number[]; blocking: boolean }>((resolve, reject) => {
      const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event) => {
        resolve(event.data);
        worker.terminate();
      };
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage({
        lock: lock.buffer,
        barrier: barrier.buffer,
        counter,
        iterations: 2000,
      });
    });
  const workers = [spawn(), spawn(), spawn()];
  const fromWorkers = await Promise.all(workers);
  // the page waits without blocking: a promise resolved by a worker's set()
  const waited = done.wait({ timeout: 0 });
  const pageAcquire = lock.acquire();
  window.parResult = {
    counter: counter[0],
    indexes: fromWorkers.map((w) => w.indexes),
    workersBlock: fromWorkers.map((w) => w.blocking),
    pageGetsPromises: pageAcquire instanceof Promise,
    pageAcquired: await pageAcquire,
    eventTimedOut: (await waited) === false,
    crossOriginIsolated,
  };
}

main().catch((error: unknown) => {
  window.parError = String((error as Error)?.stack ?? error);
});
