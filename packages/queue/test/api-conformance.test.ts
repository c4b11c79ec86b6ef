// The public API as a user reads it in API.md, exercised through the package
// name so that the built `exports` map is what gets tested.
import { ParError, TimeoutError } from '@par/async';
import {
  consume,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  SimpleQueue,
} from '@par/queue';
import { afterEach, describe, expect, test, vi } from 'vitest';

const tick = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('Queue', () => {
  test('maxsize defaults to 0 (unbounded)', () => {
    const queue = new Queue<number>();
    expect(queue.maxsize).toBe(0);
    for (let i = 0; i < 1000; i++) queue.putNowait(i);
    expect(queue.full()).toBe(false);
    expect(queue.size).toBe(1000);
  });

  test('Infinity is unbounded too', () => {
    const queue = new Queue<number>({ maxsize: Number.POSITIVE_INFINITY });
    queue.putNowait(1);
    expect(queue.full()).toBe(false);
  });

  test('negative, fractional and non-number maxsize throw naming the option', () => {
    expect(() => new Queue({ maxsize: -1 })).toThrow(RangeError);
    expect(() => new Queue({ maxsize: 1.5 })).toThrow(RangeError);
    expect(() => new Queue({ maxsize: '3' as unknown as number })).toThrow(TypeError);
    expect(() => new Queue({ maxsize: -1 })).toThrow(/maxsize/);
  });

  test('put waits while full; get frees room', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    await queue.put(1);
    expect(queue.full()).toBe(true);
    let added = false;
    const put = queue.put(2).then(() => {
      added = true;
    });
    await tick();
    expect(added).toBe(false);
    await expect(queue.get()).resolves.toBe(1);
    await put;
    expect(added).toBe(true);
    expect(queue.getNowait()).toBe(2);
  });

  test('get waits while empty', async () => {
    const queue = new Queue<string>();
    const got = queue.get();
    await queue.put('x');
    await expect(got).resolves.toBe('x');
  });

  test('put timeout rejects QueueFull; get timeout rejects QueueEmpty', async () => {
    vi.useFakeTimers();
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const put = queue.put(2, { timeout: 100 });
    const putAssertion = expect(put).rejects.toBeInstanceOf(QueueFull);
    await vi.advanceTimersByTimeAsync(100);
    await putAssertion;
    expect(queue.size).toBe(1);

    const empty = new Queue<number>();
    const get = empty.get({ timeout: 50 });
    const getAssertion = expect(get).rejects.toBeInstanceOf(QueueEmpty);
    await vi.advanceTimersByTimeAsync(50);
    await getAssertion;
  });

  test('put and get reject with signal.reason on abort', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const controller = new AbortController();
    const reason = new Error('stop');
    const put = queue.put(2, { signal: controller.signal });
    controller.abort(reason);
    await expect(put).rejects.toBe(reason);

    const empty = new Queue<number>();
    const get = empty.get({ signal: AbortSignal.abort(reason) });
    await expect(get).rejects.toBe(reason);
  });

  test('putNowait and getNowait throw QueueFull and QueueEmpty', () => {
    const queue = new Queue<number>({ maxsize: 1 });
    expect(() => queue.getNowait()).toThrow(QueueEmpty);
    queue.putNowait(1);
    expect(() => queue.putNowait(2)).toThrow(QueueFull);
  });

  test('taskDone and join', async () => {
    const queue = new Queue<number>();
    await queue.put(1);
    await queue.put(2);
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    await queue.get();
    queue.taskDone();
    await tick();
    expect(joined).toBe(false);
    await queue.get();
    queue.taskDone();
    await join;
    expect(joined).toBe(true);
  });

  test('too many taskDone() throws a RangeError with a code', () => {
    const queue = new Queue<number>();
    let error: unknown;
    try {
      queue.taskDone();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as { code?: string }).code).toBe('PAR_QUEUE_TASK_DONE');
  });

  test('join resolves at once when nothing is unfinished', async () => {
    await expect(new Queue().join()).resolves.toBeUndefined();
  });

  test('shutdown: put rejects, get drains then rejects QueueShutDown', async () => {
    const queue = new Queue<number>();
    await queue.put(1);
    queue.shutdown();
    await expect(queue.put(2)).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => queue.putNowait(2)).toThrow(QueueShutDown);
    await expect(queue.get()).resolves.toBe(1);
    await expect(queue.get()).rejects.toBeInstanceOf(QueueShutDown);
    expect(() => queue.getNowait()).toThrow(QueueShutDown);
  });

  test('shutdown wakes blocked getters and putters', async () => {
    const getQueue = new Queue<number>();
    const get = getQueue.get();
    getQueue.shutdown();
    await expect(get).rejects.toBeInstanceOf(QueueShutDown);

    const putQueue = new Queue<number>({ maxsize: 1 });
    putQueue.putNowait(1);
    const put = putQueue.put(2);
    putQueue.shutdown();
    await expect(put).rejects.toBeInstanceOf(QueueShutDown);
  });

  test('shutdown({ immediate: true }) drops items and drains the unfinished count', async () => {
    const queue = new Queue<number>();
    await queue.put(1);
    await queue.put(2);
    await queue.put(3);
    await queue.get(); // held by a consumer, not yet done
    const join = queue.join();
    let joined = false;
    void join.then(() => {
      joined = true;
    });
    queue.shutdown({ immediate: true });
    expect(queue.size).toBe(0);
    await expect(queue.get()).rejects.toBeInstanceOf(QueueShutDown);
    await tick();
    expect(joined).toBe(false);
    queue.taskDone();
    await join;
    expect(joined).toBe(true);
  });

  test('for await yields until shut down and drained, and join works with it', async () => {
    const queue = new Queue<number>();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const item of queue) seen.push(item);
    })();
    for (let i = 0; i < 5; i++) await queue.put(i);
    await queue.join();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    queue.shutdown();
    await consumer;
  });

  test('errors are ParErrors with codes', () => {
    expect(new QueueEmpty()).toBeInstanceOf(ParError);
    expect(new QueueFull()).toBeInstanceOf(ParError);
    expect(new QueueShutDown()).toBeInstanceOf(ParError);
    expect(new QueueEmpty().code).toBe('PAR_QUEUE_EMPTY');
    expect(new QueueFull().code).toBe('PAR_QUEUE_FULL');
    expect(new QueueShutDown().code).toBe('PAR_QUEUE_SHUT_DOWN');
    expect(new QueueFull().name).toBe('QueueFull');
    expect(new QueueFull()).not.toBeInstanceOf(TimeoutError);
  });
});

describe('LifoQueue, PriorityQueue, SimpleQueue', () => {
  test('LifoQueue returns the newest first', async () => {
    const queue = new LifoQueue<number>();
    for (const i of [1, 2, 3]) await queue.put(i);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([3, 2, 1]);
  });

  test('PriorityQueue returns the lowest first and is stable for equal keys', async () => {
    const queue = new PriorityQueue<{ p: number; id: string }>({ compare: (a, b) => a.p - b.p });
    for (const [p, id] of [
      [2, 'a'],
      [1, 'b'],
      [2, 'c'],
      [1, 'd'],
    ] as const)
      await queue.put({ p, id });
    const out: string[] = [];
    while (!queue.empty()) out.push((await queue.get()).id);
    expect(out).toEqual(['b', 'd', 'a', 'c']);
  });

  test('PriorityQueue defaults to lowest first, tuples like Python', () => {
    const queue = new PriorityQueue<[number, string]>();
    queue.putNowait([3, 'c']);
    queue.putNowait([1, 'a']);
    queue.putNowait([2, 'b']);
    expect(queue.getNowait()).toEqual([1, 'a']);
    const numbers = new PriorityQueue<number>({ maxsize: 2 });
    numbers.putNowait(5);
    numbers.putNowait(4);
    expect(numbers.full()).toBe(true);
    expect(numbers.getNowait()).toBe(4);
  });

  test('PriorityQueue rejects a non-function compare', () => {
    expect(() => new PriorityQueue({ compare: 1 as unknown as () => number })).toThrow(TypeError);
  });

  test('SimpleQueue is an unbounded FIFO', async () => {
    const queue = new SimpleQueue<number>();
    const waiting = queue.get();
    await queue.put(1);
    await expect(waiting).resolves.toBe(1);
    queue.putNowait(2);
    queue.putNowait(3);
    expect(queue.size).toBe(2);
    expect(queue.empty()).toBe(false);
    expect(queue.getNowait()).toBe(2);
    await expect(queue.get()).resolves.toBe(3);
    expect(() => queue.getNowait()).toThrow(QueueEmpty);
  });
});

describe('consume', () => {
  test('handles every item with bounded concurrency and resolves after shutdown', async () => {
    const queue = new Queue<number>();
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const done = consume(
      queue,
      async (item, signal) => {
        expect(signal).toBeInstanceOf(AbortSignal);
        running++;
        peak = Math.max(peak, running);
        await tick(3);
        running--;
        seen.push(item);
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await queue.put(i);
    await queue.join();
    queue.shutdown();
    await done;
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  test('a failing handler does not stop the others; failures reject as an AggregateError', async () => {
    const queue = new Queue<number>();
    const seen: number[] = [];
    const done = consume(queue, (item) => {
      if (item % 2 === 0) throw new Error(`bad ${item}`);
      seen.push(item);
    });
    for (let i = 0; i < 4; i++) await queue.put(i);
    await queue.join();
    queue.shutdown();
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'bad 0',
      'bad 2',
    ]);
    expect(seen).toEqual([1, 3]);
  });

  test('onError takes the failures', async () => {
    const queue = new Queue<number>();
    const failed: number[] = [];
    const done = consume(
      queue,
      () => {
        throw new Error('x');
      },
      { onError: (_error, item) => failed.push(item) },
    );
    await queue.put(7);
    queue.shutdown();
    await expect(done).resolves.toBeUndefined();
    expect(failed).toEqual([7]);
  });

  test('the signal stops consume', async () => {
    const queue = new Queue<number>();
    const controller = new AbortController();
    const done = consume(queue, () => {}, { signal: controller.signal });
    await tick();
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('PriorityQueue default order for values < cannot order', () => {
  test('[priority, object] items come out by priority, then in insertion order', () => {
    const queue = new PriorityQueue<[number, { id: string }]>();
    queue.putNowait([2, { id: 'a' }]);
    queue.putNowait([1, { id: 'b' }]);
    queue.putNowait([2, { id: 'c' }]);
    queue.putNowait([1, { id: 'd' }]);
    const out: string[] = [];
    while (!queue.empty()) out.push(queue.getNowait()[1].id);
    expect(out).toEqual(['b', 'd', 'a', 'c']);
  });
});
