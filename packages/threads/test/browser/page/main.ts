// The pool in a browser: map over module Web Workers, a Lock-protected counter,
// a Barrier across tasks, a queue consumed by tasks, transfer and toThread.
// Publishes its findings on window.parResult for the test to read.
import { Queue } from '@par/queue';
import {
  Barrier,
  Lock,
  sharedArray,
  Thread,
  ThreadPool,
  tasks,
  toThread,
  transfer,
  WorkerCrashedError,
} from '@par/threads';

declare global {
  interface Window {
    parResult?: unknown;
    parError?: string;
  }
}

const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));

async function isolatedOnly(pool: ThreadPool) {
  const lock = new Lock();
  const counter = sharedArray(Int32Array, 1);
  const increment = (l: Lock, c: Int32Array, n: number) => {
    for (let i = 0; i < n; i++) {
      l.acquire();
      const v = c[0] as number;
      c[0] = v + 1;
      l.release();
    }
    return true;
  };
  await Promise.all([0, 1, 2, 3].map(() => pool.run(increment, lock, counter, 1000)));
  const barrier = new Barrier(2);
  const arrivals = await Promise.all(
    [0, 1].map(() => pool.run((b: Barrier) => b.wait() as number, barrier)),
  );
  return { counter: counter[0], arrivals: arrivals.sort() };
}

async function main() {
  const pool = new ThreadPool({ maxWorkers: 2 });
  try {
    const inline = await pool.map((n: number) => n * 2, [1, 2, 3, 4, 5, 6, 7, 8]);
    const squares = await pool.map(t.square, [1, 2, 3, 4]);
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const sum = await pool.run(t.checksum, transfer(bytes.buffer, [bytes.buffer]));
    const jobs = new Queue<number>();
    for (let i = 1; i <= 20; i++) jobs.putNowait(i);
    jobs.shutdown();
    const consumer = async (q: AsyncIterable<number>) => {
      let total = 0;
      for await (const n of q) total += n;
      return total;
    };
    const totals = await Promise.all([pool.run(consumer, jobs), pool.run(consumer, jobs)]);
    const viaToThread = await toThread((a: number, b: number) => a + b, 2, 3);
    // an uncaught error in a worker crashes it: the running call rejects, the pool goes on
    const crash = await pool
      .run(
        () =>
          new Promise(() => {
            setTimeout(() => {
              throw new Error('boom');
            }, 0);
          }),
      )
      .then(
        () => 'resolved',
        // class names do not survive minification: check instanceof and `code`
        (error: WorkerCrashedError) =>
          `${error instanceof WorkerCrashedError} ${error.code} ${error.message.includes('boom')}`,
      );
    const afterCrash = await pool.run((n: number) => n + 1, 41);
    const viaThread = await new Thread((a: number, b: number) => a * b, { args: [6, 7] })
      .start()
      .join();
    const shared = crossOriginIsolated ? await isolatedOnly(pool) : undefined;
    let lockError: string | undefined;
    if (!crossOriginIsolated) {
      try {
        new Lock();
      } catch (error) {
        lockError = (error as Error).message;
      }
    }
    window.parResult = {
      crossOriginIsolated,
      inline,
      squares,
      checksum: sum,
      detached: bytes.byteLength === 0,
      queueTotal: totals[0] + totals[1],
      viaToThread,
      crash,
      afterCrash,
      viaThread,
      shared,
      lockError,
    };
  } finally {
    await pool.close();
  }
}

main().catch((error: unknown) => {
  window.parError = String((error as Error)?.stack ?? error);
});
