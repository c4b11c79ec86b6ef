import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, QueueShutDown } from '../src/index.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const kinds = [
  ['Queue', <T>(maxsize = 0) => new Queue<T>({ maxsize })],
  ['LifoQueue', <T>(maxsize = 0) => new LifoQueue<T>({ maxsize })],
  ['PriorityQueue', <T>(maxsize = 0) => new PriorityQueue<T>({ maxsize })],
] as const;

describe.each(kinds)('%s shutdown', (_name, make) => {
  it('makes put reject and putNowait throw QueueShutDown', async () => {
    const queue = make<number>();
    queue.shutdown();
    expect(queue.isShutDown).toBe(true);
    await expect(queue.put(1)).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => queue.putNowait(1)).toThrow(QueueShutDown);
    expect(queue.size).toBe(0);
  });

  it('wakes blocked putters, which reject with QueueShutDown without adding their items', async () => {
    const queue = make<number>(1);
    queue.putNowait(1);
    const puts = [queue.put(2), queue.put(3)];
    queue.shutdown();
    for (const put of puts) await expect(put).rejects.toBeInstanceOf(QueueShutDown);
    expect(queue.getNowait()).toBe(1);
    expect(queue.size).toBe(0);
  });

  it('lets get drain the items left, then rejects with QueueShutDown', async () => {
    const queue = make<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    queue.shutdown();
    const drained = [await queue.get(), await queue.get()].sort();
    expect(drained).toEqual([1, 2]);
    await expect(queue.get()).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => queue.getNowait()).toThrow(QueueShutDown);
  });

  it('wakes blocked getters, which reject with QueueShutDown', async () => {
    const queue = make<number>();
    const gets = [queue.get(), queue.get()];
    queue.shutdown();
    for (const get of gets) await expect(get).rejects.toBeInstanceOf(QueueShutDown);
  });

  it('does not change the unfinished count when not immediate', async () => {
    const queue = make<number>();
    queue.putNowait(1);
    queue.shutdown();
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    await flush();
    expect(joined).toBe(false);
    await queue.get();
    queue.taskDone();
    await join;
  });

  it('immediate empties the queue and subtracts the dropped items from the unfinished count', async () => {
    const queue = make<number>();
    for (const n of [1, 2, 3]) queue.putNowait(n);
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    queue.shutdown({ immediate: true });
    expect(queue.size).toBe(0);
    await join;
    expect(joined).toBe(true);
    await expect(queue.get()).rejects.toBeInstanceOf(QueueShutDown);
  });

  it('immediate wakes join only when the unfinished count reaches zero (gh-137088)', async () => {
    const queue = make<number>();
    for (const n of [1, 2, 3]) queue.putNowait(n);
    const taken = queue.getNowait(); // in the hands of a consumer, not done yet
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    queue.shutdown({ immediate: true });
    await flush();
    expect(taken).toBeDefined();
    expect(joined).toBe(false);
    queue.taskDone();
    await join;
    expect(joined).toBe(true);
    expect(() => queue.taskDone()).toThrow(RangeError);
  });

  it('immediate after a draining shutdown drops what was left', async () => {
    const queue = make<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    queue.shutdown();
    queue.shutdown({ immediate: true });
    expect(queue.size).toBe(0);
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('taskDone still works after shutdown for items taken before it', async () => {
    const queue = make<number>();
    queue.putNowait(1);
    await queue.get();
    queue.shutdown();
    queue.taskDone();
    await expect(queue.join()).resolves.toBeUndefined();
  });
});

describe.each(kinds)('shutdown of a %s getter woken in the same tick', (_name, make) => {
  it('a getter woken just before an immediate shutdown rejects with QueueShutDown, its item dropped', async () => {
    const queue = make<number>();
    const got = queue.get();
    queue.putNowait(1); // wakes the getter, which has not run yet
    queue.shutdown({ immediate: true });
    expect(queue.size).toBe(0);
    expect(queue.empty()).toBe(true);
    await expect(got).rejects.toBeInstanceOf(QueueShutDown);
    expect(queue.size).toBe(0);
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('a getter with a signal woken just before an immediate shutdown rejects too, and join resolves', async () => {
    const queue = make<number>();
    const controller = new AbortController();
    const got = queue.get({ signal: controller.signal, timeout: 60_000 });
    const other = queue.get();
    queue.putNowait(1);
    queue.putNowait(2);
    queue.shutdown({ immediate: true });
    await expect(got).rejects.toBeInstanceOf(QueueShutDown);
    await expect(other).rejects.toBeInstanceOf(QueueShutDown);
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('a getter woken just before a draining shutdown still gets its item', async () => {
    const queue = make<number>();
    const got = queue.get();
    queue.putNowait(1);
    queue.shutdown();
    expect(await got).toBe(1);
  });

  it('a getter that took its item before an immediate shutdown keeps it', async () => {
    const queue = make<number>();
    const got = queue.get();
    queue.putNowait(1);
    expect(await got).toBe(1);
    queue.shutdown({ immediate: true });
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    await flush();
    expect(joined).toBe(false); // the item taken is still unfinished
    queue.taskDone();
    await join;
  });
});

describe('Queue disposal', () => {
  it('await using shuts the queue down and lets consumers drain', async () => {
    const seen: number[] = [];
    let loop: Promise<void> | undefined;
    {
      await using queue = new Queue<number>();
      loop = (async () => {
        for await (const n of queue) seen.push(n);
      })();
      queue.putNowait(1);
      queue.putNowait(2);
    }
    await loop;
    expect(seen).toEqual([1, 2]);
  });
});
