import { describe, expect, it } from 'vitest';
import { PriorityQueue, Queue } from '../src/index.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('for await over a queue', () => {
  it('yields the items and ends after shutdown and drain', async () => {
    const queue = new Queue<number>();
    for (const n of [1, 2, 3]) queue.putNowait(n);
    queue.shutdown();
    const seen: number[] = [];
    for await (const n of queue) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('waits for items and ends when the queue is shut down while it waits', async () => {
    const queue = new Queue<string>();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const item of queue) seen.push(item);
    })();
    await queue.put('a');
    await queue.put('b');
    await flush();
    queue.shutdown();
    await loop;
    expect(seen).toEqual(['a', 'b']);
  });

  it('yields in priority order for a PriorityQueue', async () => {
    const queue = new PriorityQueue<number>();
    for (const n of [3, 1, 2]) queue.putNowait(n);
    queue.shutdown();
    const seen: number[] = [];
    for await (const n of queue) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('marks an item done when the loop asks for the next one', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    let joined = false;
    void queue.join().then(() => {
      joined = true;
    });
    const iterator = queue[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    await flush();
    expect(joined).toBe(false); // item 1 is still being processed
    expect(await iterator.next()).toEqual({ done: false, value: 2 }); // item 1 done
    await flush();
    expect(joined).toBe(false);
    queue.shutdown();
    expect(await iterator.next()).toEqual({ done: true, value: undefined }); // item 2 done
    await flush();
    expect(joined).toBe(true);
  });

  it('marks the current item done when the loop breaks', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    for await (const n of queue) {
      if (n === 1) break;
    }
    expect(queue.size).toBe(1);
    queue.getNowait();
    queue.taskDone();
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('marks the current item done when the loop body throws', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    await expect(
      (async () => {
        for await (const _ of queue) throw new Error('boom');
      })(),
    ).rejects.toThrow('boom');
    await expect(queue.join()).resolves.toBeUndefined();
    expect(() => queue.taskDone()).toThrow(RangeError);
  });

  it('lets join() work with several for-await consumers', async () => {
    const queue = new Queue<number>({ maxsize: 2 });
    const handled: number[] = [];
    const consumer = async (): Promise<void> => {
      for await (const n of queue) {
        await flush();
        handled.push(n);
      }
    };
    const consumers = [consumer(), consumer(), consumer()];
    for (let i = 0; i < 20; i++) await queue.put(i);
    await queue.join();
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    queue.shutdown();
    await Promise.all(consumers);
  });

  it('keeps returning done after the end', async () => {
    const queue = new Queue<number>();
    queue.shutdown();
    const iterator = queue[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});
