import { describe, expect, it } from 'vitest';
import { Queue, QueueEmpty, QueueFull } from '../src/index.js';

// Lets pending promise callbacks run (a few microtask turns, no timers).
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('Queue', () => {
  it('returns items in the order they were put (FIFO)', async () => {
    const queue = new Queue<number>();
    for (const n of [3, 1, 2]) await queue.put(n);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual([3, 1, 2]);
  });

  it('is unbounded with the default maxsize 0', () => {
    const queue = new Queue<number>();
    for (let i = 0; i < 10_000; i++) queue.putNowait(i);
    expect(queue.size).toBe(10_000);
    expect(queue.full()).toBe(false);
    expect(queue.maxsize).toBe(0);
  });

  it('is unbounded with maxsize Infinity', () => {
    const queue = new Queue<number>({ maxsize: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 1000; i++) queue.putNowait(i);
    expect(queue.full()).toBe(false);
    expect(queue.maxsize).toBe(Number.POSITIVE_INFINITY);
  });

  it('reports size, empty() and full()', () => {
    const queue = new Queue<string>({ maxsize: 2 });
    expect([queue.size, queue.empty(), queue.full()]).toEqual([0, true, false]);
    queue.putNowait('a');
    expect([queue.size, queue.empty(), queue.full()]).toEqual([1, false, false]);
    queue.putNowait('b');
    expect([queue.size, queue.empty(), queue.full()]).toEqual([2, false, true]);
    queue.getNowait();
    expect([queue.size, queue.empty(), queue.full()]).toEqual([1, false, false]);
  });

  it('putNowait throws QueueFull when the queue is full', () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    expect(() => queue.putNowait(2)).toThrow(QueueFull);
    expect(queue.size).toBe(1);
  });

  it('getNowait throws QueueEmpty when the queue is empty', () => {
    const queue = new Queue<number>();
    expect(() => queue.getNowait()).toThrow(QueueEmpty);
  });

  it('put waits while the queue is full and resumes when an item is taken', async () => {
    const queue = new Queue<string>({ maxsize: 1 });
    await queue.put('a');
    let done = false;
    const put = queue.put('b').then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(false);
    expect(queue.size).toBe(1);
    expect(await queue.get()).toBe('a');
    await put;
    expect(done).toBe(true);
    expect(queue.getNowait()).toBe('b');
  });

  it('lets waiting putters in in the order they started waiting', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(0);
    const order: number[] = [];
    const puts = [1, 2, 3].map((n) => queue.put(n).then(() => order.push(n)));
    for (let i = 0; i < 4; i++) expect(await queue.get()).toBe(i);
    await Promise.all(puts);
    expect(order).toEqual([1, 2, 3]);
  });

  it('does not let putNowait jump ahead of waiting putters', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(0);
    const waiting = queue.put(1);
    queue.getNowait(); // frees the slot, which goes to the waiting putter
    expect(() => queue.putNowait(2)).toThrow(QueueFull);
    await waiting;
    expect(queue.getNowait()).toBe(1);
  });

  it('serves waiting getters in the order they called get', async () => {
    const queue = new Queue<string>();
    const first = queue.get();
    const second = queue.get();
    const third = queue.get();
    queue.putNowait('a');
    queue.putNowait('b');
    queue.putNowait('c');
    expect(await Promise.all([first, second, third])).toEqual(['a', 'b', 'c']);
  });

  it('hands an item to a waiting getter before a later getNowait can take it', async () => {
    const queue = new Queue<string>();
    const waiting = queue.get();
    queue.putNowait('a');
    expect(() => queue.getNowait()).toThrow(QueueEmpty);
    expect(await waiting).toBe('a');
  });

  it('join resolves at once when nothing was put', async () => {
    await expect(new Queue().join()).resolves.toBeUndefined();
  });

  it('join waits until every item put has been marked done', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    queue.getNowait();
    queue.getNowait();
    queue.taskDone();
    await flush();
    expect(joined).toBe(false);
    queue.taskDone();
    await join;
    expect(joined).toBe(true);
  });

  it('join counts items handed directly to a waiting getter', async () => {
    const queue = new Queue<number>();
    const got = queue.get();
    await queue.put(1);
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    await got;
    await flush();
    expect(joined).toBe(false);
    queue.taskDone();
    await join;
  });

  it('join counts an item from a waiting putter only once it is let in', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const putting = queue.put(2);
    queue.getNowait();
    queue.taskDone();
    await putting;
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    await flush();
    expect(joined).toBe(false);
    queue.getNowait();
    queue.taskDone();
    await join;
  });

  it('throws a RangeError with a clear message when taskDone is called too many times', () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.getNowait();
    queue.taskDone();
    expect(() => queue.taskDone()).toThrow(RangeError);
    expect(() => queue.taskDone()).toThrow(/taskDone\(\) was called more times than items/);
    expect(() => queue.taskDone()).toThrow(
      expect.objectContaining({ code: 'PAR_QUEUE_TASK_DONE' }),
    );
  });

  it('several join calls all resolve together', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    const joins = [queue.join(), queue.join()];
    queue.getNowait();
    queue.taskDone();
    await expect(Promise.all(joins)).resolves.toEqual([undefined, undefined]);
  });

  it('returns the same resolved promise from put when there is room, without waiting', async () => {
    const queue = new Queue<number>();
    const a = queue.put(1);
    const b = queue.put(2);
    expect(a).toBe(b);
    expect(queue.size).toBe(2);
    await a;
  });
});
