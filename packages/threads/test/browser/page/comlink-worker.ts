import type { Queue } from '@par/queue';
import { type Lock, type RemoteQueue, registerComlinkTransferHandlers } from '@par/threads';
import { expose } from 'comlink';

registerComlinkTransferHandlers();

const api = {
  increment(lock: Lock, counter: Int32Array, n: number): string {
    for (let i = 0; i < n; i++) {
      lock.acquire(); // blocks: this is a Web Worker
      const v = counter[0] as number;
      counter[0] = v + 1;
      lock.release();
    }
    return lock.constructor.name;
  },
  async takeAll(queue: Queue<number>): Promise<number[]> {
    const remote = queue as unknown as RemoteQueue<number>;
    const taken: number[] = [];
    while ((await remote.size) > 0) {
      const item = await remote.getNowait().catch(() => undefined);
      if (item === undefined) break;
      taken.push(item);
      await remote.taskDone();
    }
    return taken;
  },
};

export type CounterApi = typeof api;

expose(api);
