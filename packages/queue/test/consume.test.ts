import { deferred } from '@par/async/internal';
import { describe, expect, it } from 'vitest';
import { consume, Queue, SimpleQueue } from '../src/index.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('consume', () => {
  it('handles every item and resolves when the queue is shut down and drained', async () => {
    const queue = new Queue<number>();
    const seen: number[] = [];
    const done = consume(queue, (n) => {
      seen.push(n);
    });
    for (let i = 0; i < 5; i++) await queue.put(i);
    queue.shutdown();
    await done;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    const queue = new Queue<number>();
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 10 }, () => deferred<void>());
    const done = consume(
      queue,
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await gates[n]?.promise;
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++) queue.putNowait(i);
    queue.shutdown();
    await flush();
    expect(running).toBe(3);
    for (const gate of gates) {
      gate.resolve();
      await flush();
    }
    await done;
    expect(peak).toBe(3);
  });

  it('starts a new handler as soon as one finishes', async () => {
    const queue = new Queue<number>();
    const started: number[] = [];
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const done = consume(
      queue,
      async (n) => {
        started.push(n);
        await gates[n]?.promise;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 3; i++) queue.putNowait(i);
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    gates[2]?.resolve();
    queue.shutdown();
    await done;
  });

  it('calls taskDone for each item, whether the handler succeeds or fails, so join works', async () => {
    const queue = new Queue<number>();
    const done = consume(
      queue,
      (n) => {
        if (n % 2) throw new Error(`odd ${n}`);
      },
      { concurrency: 2, onError: () => {} },
    );
    for (let i = 0; i < 6; i++) await queue.put(i);
    await queue.join();
    expect(() => queue.taskDone()).toThrow(RangeError);
    queue.shutdown();
    await done;
  });

  it('a failing handler does not stop the others', async () => {
    const queue = new Queue<number>();
    const handled: number[] = [];
    const done = consume(
      queue,
      async (n) => {
        if (n === 0) throw new Error('first fails');
        handled.push(n);
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 5; i++) queue.putNowait(i);
    queue.shutdown();
    await expect(done).rejects.toBeInstanceOf(AggregateError);
    expect(handled).toEqual([1, 2, 3, 4]);
  });

  it('a handler returning a thenable whose then throws fails that item only; every item is marked done', async () => {
    const queue = new Queue<number>();
    const handled: number[] = [];
    const broken = new Error('then throws');
    const done = consume(queue, (n) => {
      if (n === 1) {
        return Object.defineProperty({}, 'then', {
          value() {
            throw broken;
          },
        });
      }
      if (n === 2) {
        return Object.defineProperty({}, 'then', {
          get() {
            throw broken;
          },
        });
      }
      handled.push(n);
      return undefined;
    });
    for (let i = 0; i < 5; i++) queue.putNowait(i);
    queue.shutdown();
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([broken, broken]);
    expect(handled).toEqual([0, 3, 4]);
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('rejects at the end with an AggregateError of the handler failures, in order', async () => {
    const queue = new Queue<number>();
    for (let i = 0; i < 4; i++) queue.putNowait(i);
    queue.shutdown();
    const failure = await consume(queue, (n) => {
      if (n !== 2) throw new Error(`failed ${n}`);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((e: Error) => e.message)).toEqual([
      'failed 0',
      'failed 1',
      'failed 3',
    ]);
  });

  it('passes failures to onError with their item instead of rejecting', async () => {
    const queue = new Queue<string>();
    queue.putNowait('a');
    queue.putNowait('b');
    queue.shutdown();
    const reported: [string, string][] = [];
    await consume(
      queue,
      async (item) => {
        throw new Error(`bad ${item}`);
      },
      { onError: (error, item) => reported.push([(error as Error).message, item]) },
    );
    expect(reported).toEqual([
      ['bad a', 'a'],
      ['bad b', 'b'],
    ]);
  });

  it('collects an error thrown by onError itself', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.shutdown();
    const thrown = new Error('onError broke');
    const failure = await consume(
      queue,
      () => {
        throw new Error('handler');
      },
      {
        onError: () => {
          throw thrown;
        },
      },
    ).catch((error: unknown) => error);
    expect((failure as AggregateError).errors).toEqual([thrown]);
  });

  it('resolves when the signal aborts, after the running handlers settle, leaving the rest queued', async () => {
    const queue = new Queue<number>();
    const controller = new AbortController();
    const gate = deferred<void>();
    let settled = false;
    const seen: AbortSignal[] = [];
    const done = consume(
      queue,
      async (_n, signal) => {
        seen.push(signal);
        await gate.promise;
      },
      { concurrency: 1, signal: controller.signal },
    ).then(() => {
      settled = true;
    });
    for (let i = 0; i < 3; i++) queue.putNowait(i);
    await flush();
    controller.abort();
    await flush();
    expect(settled).toBe(false); // the running handler has not finished
    expect(seen[0]?.aborted).toBe(true);
    gate.resolve();
    await done;
    expect(queue.size).toBe(2);
  });

  it('resolves when the signal aborts while waiting for an item', async () => {
    const queue = new Queue<number>();
    const controller = new AbortController();
    const done = consume(queue, () => {}, { signal: controller.signal });
    await flush();
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    queue.putNowait(1);
    expect(queue.size).toBe(1); // the aborted consumer left no getter behind
  });

  it('handles an item handed over in the same tick as the abort instead of dropping it', async () => {
    const queue = new Queue<string>();
    const controller = new AbortController();
    const seen: string[] = [];
    const done = consume(
      queue,
      (item) => {
        seen.push(item);
      },
      { signal: controller.signal },
    );
    await flush(); // consume is now waiting in get()
    queue.putNowait('last');
    controller.abort();
    await done;
    expect(seen).toEqual(['last']);
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('takes no item when the signal is already aborted', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    let called = false;
    await consume(
      queue,
      () => {
        called = true;
      },
      { signal: AbortSignal.abort() },
    );
    expect(called).toBe(false);
    expect(queue.size).toBe(1);
  });

  it('supports unbounded concurrency', async () => {
    const queue = new Queue<number>();
    const gate = deferred<void>();
    const allRunning = deferred<void>();
    let running = 0;
    const done = consume(
      queue,
      async () => {
        if (++running === 50) allRunning.resolve();
        await gate.promise;
      },
      { concurrency: Number.POSITIVE_INFINITY },
    );
    for (let i = 0; i < 50; i++) queue.putNowait(i);
    await allRunning.promise; // with any finite limit below 50 this would never resolve
    expect(running).toBe(50);
    gate.resolve();
    queue.shutdown();
    await done;
  });

  it('works with a SimpleQueue until the signal aborts', async () => {
    const queue = new SimpleQueue<number>();
    const controller = new AbortController();
    const seen: number[] = [];
    const done = consume(
      queue,
      (n) => {
        seen.push(n);
      },
      { signal: controller.signal },
    );
    queue.putNowait(1);
    queue.putNowait(2);
    await flush();
    controller.abort();
    await done;
    expect(seen).toEqual([1, 2]);
  });

  it('hands the handler a signal that never aborts when none is given', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.shutdown();
    let received: AbortSignal | undefined;
    await consume(queue, (_n, signal) => {
      received = signal;
    });
    expect(received).toBeInstanceOf(AbortSignal);
    expect(received?.aborted).toBe(false);
  });
});

describe('consume over any ConsumableQueue', () => {
  it('stops when get rejects with an error carrying the shut-down code (as from another thread)', async () => {
    let n = 0;
    const seen: number[] = [];
    await consume(
      {
        get: async () => {
          if (n === 3)
            throw Object.assign(new Error('shut down elsewhere'), { code: 'PAR_QUEUE_SHUT_DOWN' });
          return n++;
        },
      },
      (item: number) => {
        seen.push(item);
      },
    );
    expect(seen).toEqual([0, 1, 2]);
  });

  it('rejects with the error when get fails for another reason, after running handlers settle', async () => {
    const failure = new Error('connection lost');
    let calls = 0;
    const done = consume(
      {
        get: async () => {
          if (calls++ === 1) throw failure;
          return 1;
        },
      },
      async () => {},
    );
    await expect(done).rejects.toBe(failure);
  });
});
