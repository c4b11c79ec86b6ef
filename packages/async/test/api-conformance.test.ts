// The public API as a user reads it in API.md, exercised through the package
// name so that the built `exports` map is what gets tested.
import {
  asCompleted,
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  CancelledError,
  Condition,
  Event,
  gather,
  Lock,
  limit,
  map,
  mapIter,
  ParError,
  RateLimiter,
  retry,
  Semaphore,
  shield,
  sleep,
  TaskGroup,
  TimeoutError,
  taskGroup,
  throttle,
  timeout,
  wait,
} from '@par/async';
import { afterEach, describe, expect, test, vi } from 'vitest';

const tick = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  test('resolves with the value after ms', async () => {
    vi.useFakeTimers();
    const p = sleep(100, 'done');
    await vi.advanceTimersByTimeAsync(100);
    await expect(p).resolves.toBe('done');
  });

  test('resolves undefined without a value', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
  });

  test('an abort rejects with signal.reason itself', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const p = sleep(10_000, 'x', { signal: controller.signal });
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  test('an already-aborted signal rejects with its reason', async () => {
    const reason = { custom: true };
    await expect(sleep(1, 1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe('gather', () => {
  test('accepts promises and thunks and keeps input order', async () => {
    vi.useFakeTimers();
    const p = gather([sleep(30, 'a'), () => sleep(10, 'b'), Promise.resolve('c')]);
    await vi.advanceTimersByTimeAsync(30);
    await expect(p).resolves.toEqual(['a', 'b', 'c']);
  });

  test('rejects with the first error', async () => {
    const error = new Error('boom');
    await expect(gather([Promise.resolve(1), Promise.reject(error)])).rejects.toBe(error);
  });

  test('returnExceptions puts errors in place', async () => {
    const error = new Error('boom');
    await expect(
      gather([Promise.resolve(1), Promise.reject(error), () => 3], { returnExceptions: true }),
    ).resolves.toEqual([1, error, 3]);
  });

  test('an abort rejects with signal.reason', async () => {
    const controller = new AbortController();
    const p = gather([new Promise(() => {})], { signal: controller.signal });
    controller.abort('why');
    await expect(p).rejects.toBe('why');
  });
});

describe('TaskGroup', () => {
  test('spawn passes an AbortSignal and returns the result', async () => {
    const tg = new TaskGroup();
    let seen: unknown;
    const result = tg.spawn(async (signal) => {
      seen = signal;
      return 42;
    });
    await expect(result).resolves.toBe(42);
    await tg.wait();
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen).toBe(tg.signal);
  });

  test('the first failure aborts the group signal and wait throws an AggregateError', async () => {
    const tg = new TaskGroup();
    const error = new Error('boom');
    let siblingAborted = false;
    tg.spawn(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            siblingAborted = true;
            reject(signal.reason);
          });
        }),
    );
    void tg.spawn(async () => {
      throw error;
    });
    const failure = await tg.wait().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors).toEqual([error]);
    expect(siblingAborted).toBe(true);
    expect(tg.signal.aborted).toBe(true);
  });

  test('a failing spawn promise that nobody awaits causes no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const tg = new TaskGroup();
      tg.spawn(async () => {
        throw new Error('boom');
      });
      await expect(tg.wait()).rejects.toBeInstanceOf(AggregateError);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('await using waits for the tasks', async () => {
    const order: string[] = [];
    {
      await using tg = new TaskGroup();
      tg.spawn(async () => {
        await tick();
        order.push('task');
      });
    }
    order.push('after');
    expect(order).toEqual(['task', 'after']);
  });

  test('await using: a throwing block does not abort the tasks, then its error propagates', async () => {
    const error = new Error('block failed');
    let taskSignal: AbortSignal | undefined;
    let finished = false;
    const run = async (): Promise<void> => {
      await using tg = new TaskGroup();
      tg.spawn(async (signal) => {
        taskSignal = signal;
        await tick();
        finished = true;
      });
      throw error;
    };
    await expect(run()).rejects.toBe(error);
    expect(finished).toBe(true);
    expect(taskSignal?.aborted).toBe(false);
  });

  test('taskGroup aborts the tasks when the body throws', async () => {
    const error = new Error('body failed');
    let taskSignal: AbortSignal | undefined;
    const failure = await taskGroup(async (tg) => {
      tg.spawn((signal) => {
        taskSignal = signal;
        return sleep(10_000, undefined, { signal });
      });
      throw error;
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors).toEqual([error]);
    expect(taskSignal?.aborted).toBe(true);
  });

  test('taskGroup runs the body and waits for its tasks', async () => {
    let ran = false;
    await taskGroup(async (tg) => {
      tg.spawn(async () => {
        await tick();
        ran = true;
      });
    });
    expect(ran).toBe(true);
  });
});

describe('asCompleted and wait', () => {
  test('asCompleted yields in completion order', async () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const loop = (async () => {
      for await (const v of asCompleted([sleep(30, 'slow'), sleep(10, 'fast')])) out.push(v);
    })();
    await vi.advanceTimersByTimeAsync(30);
    await loop;
    expect(out).toEqual(['fast', 'slow']);
  });

  test('asCompleted timeout rejects with TimeoutError', async () => {
    vi.useFakeTimers();
    const it = asCompleted([new Promise(() => {})], { timeout: 50 });
    const next = it.next();
    const assertion = expect(next).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await assertion;
  });

  test('wait resolves Sets done and pending of the original promises', async () => {
    const a = Promise.resolve(1);
    const b = new Promise<number>(() => {});
    const { done, pending } = await wait([a, b], { returnWhen: 'FIRST_COMPLETED' });
    expect(done).toBeInstanceOf(Set);
    expect(pending).toBeInstanceOf(Set);
    expect([...done]).toEqual([a]);
    expect([...pending]).toEqual([b]);
  });

  test('wait FIRST_EXCEPTION returns at the first rejection', async () => {
    const a = Promise.reject(new Error('x'));
    a.catch(() => {});
    const b = new Promise<number>(() => {});
    const { done, pending } = await wait([a, b], { returnWhen: 'FIRST_EXCEPTION' });
    expect(done.has(a)).toBe(true);
    expect(pending.has(b)).toBe(true);
  });

  test('wait with a timeout does not reject', async () => {
    vi.useFakeTimers();
    const b = new Promise<number>(() => {});
    const p = wait([b], { timeout: 10 });
    await vi.advanceTimersByTimeAsync(10);
    const { done, pending } = await p;
    expect(done.size).toBe(0);
    expect(pending.has(b)).toBe(true);
  });
});

describe('timeout and shield', () => {
  test('timeout rejects TimeoutError and aborts the function signal', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const p = timeout(100, (s) => {
      signal = s;
      return new Promise(() => {});
    });
    const assertion = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    await assertion;
    expect(signal?.aborted).toBe(true);
  });

  test('timeout accepts a promise', async () => {
    await expect(timeout(1000, Promise.resolve('ok'))).resolves.toBe('ok');
  });

  test('timeout rejects with signal.reason on abort', async () => {
    const controller = new AbortController();
    const p = timeout(1000, new Promise(() => {}), { signal: controller.signal });
    controller.abort('r');
    await expect(p).rejects.toBe('r');
  });

  test('TimeoutError is a ParError with code PAR_TIMEOUT', () => {
    const e = new TimeoutError();
    expect(e).toBeInstanceOf(ParError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('PAR_TIMEOUT');
    expect(e.name).toBe('TimeoutError');
    const c = new CancelledError();
    expect(c.code).toBe('PAR_CANCELLED');
    expect(c.name).toBe('CancelledError');
    expect(new BrokenBarrierError()).toBeInstanceOf(ParError);
  });

  test('shield keeps the inner work running after the outer wait is aborted', async () => {
    const controller = new AbortController();
    let resolveInner!: (v: string) => void;
    const inner = new Promise<string>((r) => {
      resolveInner = r;
    });
    const outer = shield(inner, { signal: controller.signal });
    controller.abort('stop');
    await expect(outer).rejects.toBe('stop');
    resolveInner('done');
    await expect(inner).resolves.toBe('done');
    await expect(shield(Promise.resolve(5))).resolves.toBe(5);
  });
});

describe('Lock and semaphores', () => {
  test('acquire resolves to a handle usable with using', async () => {
    const lock = new Lock();
    {
      using _held = await lock.acquire();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  test('acquire with a timeout rejects TimeoutError', async () => {
    vi.useFakeTimers();
    const lock = new Lock();
    await lock.acquire();
    const p = lock.acquire({ timeout: 50 });
    const assertion = expect(p).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await assertion;
  });

  test('acquire with a signal rejects with signal.reason', async () => {
    const lock = new Lock();
    await lock.acquire();
    const controller = new AbortController();
    const p = lock.acquire({ signal: controller.signal });
    controller.abort('r');
    await expect(p).rejects.toBe('r');
  });

  test('release of an unheld Lock throws a ParError with code PAR_NOT_HELD', () => {
    expect(() => new Lock().release()).toThrow(ParError);
    expect(() => new Lock().release()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });

  test('Semaphore wakes waiters FIFO', async () => {
    const sem = new Semaphore(1);
    const first = await sem.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map(async (i) => {
      using _h = await sem.acquire();
      order.push(i);
    });
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(sem.locked()).toBe(false);
  });

  test('BoundedSemaphore over-release throws a RangeError with code PAR_OVER_RELEASE', () => {
    const sem = new BoundedSemaphore(1);
    expect(() => sem.release()).toThrow(RangeError);
    expect(() => sem.release()).toThrow(expect.objectContaining({ code: 'PAR_OVER_RELEASE' }));
  });

  test('Semaphore release without acquire just raises the value', () => {
    const sem = new Semaphore(1);
    sem.release();
    expect(sem.value).toBe(2);
  });
});

describe('Event, Condition, Barrier', () => {
  test('Event set/clear/isSet/wait', async () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    const waiting = event.wait();
    event.set();
    await expect(waiting).resolves.toBe(true);
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  test('Event wait with a signal rejects with signal.reason', async () => {
    const event = new Event();
    const controller = new AbortController();
    const p = event.wait({ signal: controller.signal });
    controller.abort('r');
    await expect(p).rejects.toBe('r');
  });

  test('Condition wait/notify with the default lock', async () => {
    const cond = new Condition();
    let items = 0;
    const consumer = (async () => {
      using _h = await cond.acquire();
      await cond.waitFor(() => items > 0);
      return items;
    })();
    await tick();
    {
      using _h = await cond.acquire();
      items = 1;
      cond.notify();
    }
    await expect(consumer).resolves.toBe(1);
    expect(cond.locked()).toBe(false);
  });

  test('Condition accepts a lock and notifyAll wakes everyone', async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    let woken = 0;
    const waiters = [1, 2, 3].map(async () => {
      using _h = await cond.acquire();
      await cond.wait();
      woken++;
    });
    await tick(10);
    {
      using _h = await cond.acquire();
      cond.notify(2);
    }
    await tick(10);
    expect(woken).toBe(2);
    {
      using _h = await lock.acquire();
      cond.notifyAll();
    }
    await Promise.all(waiters);
    expect(woken).toBe(3);
  });

  test('Barrier wait gives arrival indexes 0..parties-1', async () => {
    const barrier = new Barrier(3);
    expect(barrier.parties).toBe(3);
    const indexes = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    expect([...indexes].sort()).toEqual([0, 1, 2]);
  });

  test('Barrier abort breaks waiters; reset repairs it', async () => {
    const barrier = new Barrier(2);
    const p = barrier.wait();
    barrier.abort();
    await expect(p).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    await expect(Promise.all([barrier.wait(), barrier.wait()])).resolves.toHaveLength(2);
  });
});

describe('limit', () => {
  test('limit runs at most concurrency calls and exposes counters', async () => {
    const limiter = limit(2);
    const gates = [0, 1, 2].map(() => {
      let open!: () => void;
      const p = new Promise<void>((r) => {
        open = r;
      });
      return { p, open };
    });
    const calls = gates.map((g, i) =>
      limiter(async (x: number) => {
        await g.p;
        return x;
      }, i),
    );
    expect(limiter.activeCount).toBe(2);
    expect(limiter.pendingCount).toBe(1);
    expect(limiter.concurrency).toBe(2);
    for (const g of gates) g.open();
    await expect(Promise.all(calls)).resolves.toEqual([0, 1, 2]);
  });

  test('raising concurrency starts queued calls at once', async () => {
    const limiter = limit(1);
    const never = new Promise<void>(() => {});
    void limiter(() => never);
    let started = false;
    void limiter(async () => {
      started = true;
    });
    expect(started).toBe(false);
    limiter.concurrency = 2;
    await tick();
    expect(started).toBe(true);
  });

  test('clearQueue rejects queued calls with an AbortError', async () => {
    const limiter = limit(1);
    void limiter(() => new Promise<void>(() => {}));
    const queued = limiter(async () => 1);
    limiter.clearQueue();
    const error = await queued.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(limiter.pendingCount).toBe(0);
  });

  test('a bad concurrency throws an error naming the option', () => {
    expect(() => limit(0)).toThrow(RangeError);
    expect(() => limit(0)).toThrow(/concurrency/);
    expect(() => limit('2' as unknown as number)).toThrow(TypeError);
  });
});

describe('map and mapIter', () => {
  test('map keeps order and respects concurrency', async () => {
    let running = 0;
    let peak = 0;
    const result = await map(
      [3, 1, 2],
      async (x, i) => {
        running++;
        peak = Math.max(peak, running);
        await tick(x);
        running--;
        return x * 10 + i;
      },
      { concurrency: 2 },
    );
    expect(result).toEqual([30, 11, 22]);
    expect(peak).toBe(2);
  });

  test('map accepts an async iterable', async () => {
    async function* gen(): AsyncGenerator<number> {
      yield 1;
      yield 2;
    }
    await expect(map(gen(), (x) => x * 2, { concurrency: 1 })).resolves.toEqual([2, 4]);
  });

  test('map stopOnError false collects an AggregateError', async () => {
    const p = map(
      [1, 2, 3],
      async (x) => {
        if (x !== 2) throw new Error(String(x));
        return x;
      },
      { concurrency: 1, stopOnError: false },
    );
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toHaveLength(2);
  });

  test('map rejects with signal.reason', async () => {
    const controller = new AbortController();
    const p = map([1], () => new Promise(() => {}), { concurrency: 1, signal: controller.signal });
    controller.abort('r');
    await expect(p).rejects.toBe('r');
  });

  test('mapIter streams in order, or in completion order with ordered false', async () => {
    vi.useFakeTimers();
    const ordered: number[] = [];
    const unordered: number[] = [];
    const run = async (): Promise<void> => {
      for await (const v of mapIter([30, 10], (ms) => sleep(ms, ms), { concurrency: 2 }))
        ordered.push(v);
      for await (const v of mapIter([30, 10], (ms) => sleep(ms, ms), {
        concurrency: 2,
        ordered: false,
      }))
        unordered.push(v);
    };
    const done = run();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(ordered).toEqual([30, 10]);
    expect(unordered).toEqual([10, 30]);
  });
});

describe('RateLimiter, throttle, retry', () => {
  test('RateLimiter schedule and acquire respect limit per interval', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter({ limit: 2, interval: 1000, strict: true });
    const started: number[] = [];
    const calls = [1, 2, 3].map((i) => limiter.schedule(async () => started.push(i)));
    await tick();
    expect(started).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(calls);
    expect(started).toEqual([1, 2, 3]);
    await expect(limiter.acquire()).resolves.toBeUndefined();
  });

  test('throttle(fn, opts) returns a throttled function', async () => {
    vi.useFakeTimers();
    const throttled = throttle(async (x: number) => x * 2, { limit: 1, interval: 100 });
    const a = throttled(1);
    const b = throttled(2);
    await vi.advanceTimersByTimeAsync(100);
    await expect(Promise.all([a, b])).resolves.toEqual([2, 4]);
  });

  test('retry honours retries, minTimeout, factor, maxTimeout and shouldRetry', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const p = retry(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('flaky');
        return 'ok';
      },
      { retries: 5, minTimeout: 10, maxTimeout: 20, factor: 2, jitter: false },
    );
    await vi.advanceTimersByTimeAsync(30);
    await expect(p).resolves.toBe('ok');
    expect(attempts).toBe(3);

    const fatal = new Error('fatal');
    await expect(
      retry(
        async () => {
          throw fatal;
        },
        { retries: 5, shouldRetry: () => false },
      ),
    ).rejects.toBe(fatal);
  });

  test('retry rejects with the last error after the retries', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const p = retry(
      async () => {
        attempts++;
        throw new Error(`fail ${attempts}`);
      },
      { retries: 2, minTimeout: 1 },
    );
    const assertion = expect(p).rejects.toThrow('fail 3');
    await vi.advanceTimersByTimeAsync(10);
    await assertion;
    expect(attempts).toBe(3);
  });

  test('retry rejects with signal.reason', async () => {
    const controller = new AbortController();
    const p = retry(
      async () => {
        throw new Error('x');
      },
      { signal: controller.signal, minTimeout: 10_000 },
    );
    await tick();
    controller.abort('stop');
    await expect(p).rejects.toBe('stop');
  });
});

describe('validation messages name the option, the expectation and the value', () => {
  test('gather rejects a non-boolean returnExceptions', async () => {
    await expect(gather([1], { returnExceptions: 'yes' as unknown as boolean })).rejects.toThrow(
      /^Expected `returnExceptions` to be a boolean, got `"yes"` \(string\)$/,
    );
  });

  test('gather, wait, timeout and asCompleted quote the value like every other option', async () => {
    await expect(gather(5 as unknown as [])).rejects.toThrow(/got `5` \(number\)$/);
    await expect(wait([1 as unknown as Promise<number>])).rejects.toThrow(/got `1` \(number\)$/);
    await expect(timeout(10, 42 as unknown as Promise<number>)).rejects.toThrow(
      /^Expected `work` to be a promise or a function, got `42` \(number\)$/,
    );
    expect(() => asCompleted(7 as unknown as [])).toThrow(/got `7` \(number\)$/);
    expect(() => new Condition({} as Lock)).toThrow(
      /^Expected `lock` to be a Lock, got `\{\}` \(object\)$/,
    );
  });

  test('Condition.notify rejects a count that is not an integer >= 0', async () => {
    const cond = new Condition();
    using _h = await cond.acquire();
    expect(() => cond.notify(-1)).toThrow(RangeError);
    expect(() => cond.notify('2' as unknown as number)).toThrow(/`n`/);
    expect(() => cond.notify(0)).not.toThrow();
  });
});
