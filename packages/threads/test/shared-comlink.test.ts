import { Worker } from 'node:worker_threads';
import { Queue } from '@par/queue';
import { type Endpoint, type Remote, releaseProxy, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { Lock, registerComlinkTransferHandlers, sharedArray } from '../src/index.js';

interface Api {
  increment(lock: Lock, counter: Int32Array, n: number): string;
  takeAll(queue: Queue<number>): number[];
}

const fixture = new URL('./fixtures/shared-comlink-worker.mjs', import.meta.url);
const workers: Worker[] = [];

// comlink speaks DOM-style endpoints; a Node Worker is an EventEmitter
function endpoint(worker: Worker): Endpoint {
  const handlers = new Map<unknown, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) =>
      worker.postMessage(message, transfer as never),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const handler = (data: unknown) => {
        const event = { data } as MessageEvent;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      handlers.set(listener, handler);
      worker.on('message', handler);
    },
    removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const handler = handlers.get(listener);
      if (handler) worker.off('message', handler);
      handlers.delete(listener);
    },
  };
}

function spawn(): Remote<Api> {
  const worker = new Worker(fixture);
  workers.push(worker);
  return wrap<Api>(endpoint(worker));
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

describe('comlink transfer handlers', () => {
  it('let a comlink-exposed worker API take a Lock and shared memory', async () => {
    registerComlinkTransferHandlers();
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    const apis = [spawn(), spawn()];
    await expect(
      Promise.all(apis.map((api) => api.increment(lock, counter, 1000))),
    ).resolves.toEqual(['Lock', 'Lock']);
    expect(counter[0]).toBe(2000);
    for (const api of apis) api[releaseProxy]();
  });

  it('let a comlink-exposed worker API drain a queue the caller owns', async () => {
    registerComlinkTransferHandlers();
    const queue = new Queue<number>();
    for (const n of [1, 2, 3]) queue.putNowait(n);
    const api = spawn();
    await expect(api.takeAll(queue)).resolves.toEqual([1, 2, 3]);
    await queue.join(); // every item was marked done from the worker
    api[releaseProxy]();
  });
});
