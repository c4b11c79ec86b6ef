// Your own module workers, exposed with comlink: @par's comlink transfer handlers
// let the page pass a Lock, shared memory and a queue to them.
import { Queue } from '@par/queue';
import { Lock, registerComlinkTransferHandlers, sharedArray } from '@par/threads';
import { wrap } from 'comlink';
import type { CounterApi } from './comlink-worker.js';

async function main() {
  registerComlinkTransferHandlers();
  const lock = new Lock();
  const counter = sharedArray(Int32Array, 1);
  const jobs = new Queue<number>();
  for (let i = 1; i <= 10; i++) jobs.putNowait(i);
  const apis = [0, 1].map(() =>
    wrap<CounterApi>(
      new Worker(new URL('./comlink-worker.ts', import.meta.url), { type: 'module' }),
    ),
  );
  const names = await Promise.all(apis.map((api) => api.increment(lock, counter, 1000)));
  const taken = await Promise.all(apis.map((api) => api.takeAll(jobs)));
  await jobs.join();
  window.parResult = {
    names,
    counter: counter[0],
    taken: taken.flat().sort((a, b) => a - b),
  };
}

main().catch((error: unknown) => {
  window.parError = String((error as Error)?.stack ?? error);
});
