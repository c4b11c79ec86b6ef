import { AsyncLocalStorage } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { limit } from '../src/index.js';
import { deferred } from '../src/internal.js';

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// a full, synchronous collection, without starting the process with --expose-gc
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('limit', () => {
  test('never runs more than concurrency calls at once', async () => {
    const limiter = limit(2);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 6 }, () => deferred<void>());
    const calls = gates.map((gate) =>
      limiter(async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      }),
    );
    for (const gate of gates) {
      await drainMicrotasks();
      gate.resolve();
    }
    await Promise.all(calls);
    expect(peak).toBe(2);
  });

  test('passes arguments and returns the result', async () => {
    const limiter = limit(1);
    await expect(limiter(async (a: number, b: number) => a + b, 2, 3)).resolves.toBe(5);
    await expect(limiter((s: string) => s.toUpperCase(), 'x')).resolves.toBe('X');
  });

  test('starts queued calls in FIFO order', async () => {
    const limiter = limit(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((i) => limiter(async () => order.push(i))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  test('reports activeCount and pendingCount', async () => {
    const limiter = limit(1);
    const gate = deferred<void>();
    const first = limiter(() => gate.promise);
    const second = limiter(async () => {});
    expect(limiter.activeCount).toBe(1);
    expect(limiter.pendingCount).toBe(1);
    gate.resolve();
    await Promise.all([first, second]);
    expect(limiter.activeCount).toBe(0);
    expect(limiter.pendingCount).toBe(0);
  });

  test('a failing call frees its slot and rejects with its error', async () => {
    const limiter = limit(1);
    const boom = new Error('boom');
    const failing = limiter(async () => {
      throw boom;
    });
    const next = limiter(async () => 'next');
    await expect(failing).rejects.toBe(boom);
    await expect(next).resolves.toBe('next');
  });

  test('a function that throws synchronously is a rejection, not a throw', async () => {
    const limiter = limit(1);
    const boom = new Error('sync');
    const call = limiter(() => {
      throw boom;
    });
    await expect(call).rejects.toBe(boom);
    expect(limiter.activeCount).toBe(0);
  });

  test('raising concurrency starts queued calls at once', async () => {
    const limiter = limit(1);
    const gate = deferred<void>();
    let started = 0;
    const calls = [1, 2, 3].map(() =>
      limiter(async () => {
        started++;
        await gate.promise;
      }),
    );
    expect(started).toBe(1);
    limiter.concurrency = 3;
    expect(limiter.activeCount).toBe(3);
    expect(limiter.pendingCount).toBe(0);
    await drainMicrotasks();
    expect(started).toBe(3);
    gate.resolve();
    await Promise.all(calls);
  });

  test('lowering concurrency takes effect for the next start', async () => {
    const limiter = limit(3);
    const gates = Array.from({ length: 5 }, () => deferred<void>());
    let running = 0;
    let peakAfter = 0;
    let lowered = false;
    const calls = gates.map((gate) =>
      limiter(async () => {
        running++;
        if (lowered) peakAfter = Math.max(peakAfter, running);
        await gate.promise;
        running--;
      }),
    );
    limiter.concurrency = 1;
    lowered = true;
    for (const gate of gates) {
      gate.resolve();
      await drainMicrotasks();
    }
    await Promise.all(calls);
    expect(peakAfter).toBe(1);
  });

  test('clearQueue rejects the queued calls with an AbortError and keeps running ones', async () => {
    const limiter = limit(1);
    const gate = deferred<string>();
    const running = limiter(() => gate.promise);
    const queued = [limiter(async () => 1), limiter(async () => 2)];
    limiter.clearQueue();
    expect(limiter.pendingCount).toBe(0);
    for (const call of queued) {
      const error = await call.catch((e: unknown) => e);
      expect((error as Error).name).toBe('AbortError');
    }
    gate.resolve('kept');
    await expect(running).resolves.toBe('kept');
  });

  test('clearQueue rejects at once a queued call that already waits for a slot', async () => {
    const limiter = limit(1);
    const gate = deferred<string>();
    const running = limiter(() => gate.promise);
    const settled: unknown[] = [];
    const queued = [limiter(async () => 1), limiter(async () => 2)].map((call) =>
      call.catch((error: unknown) => {
        settled.push((error as Error).name);
      }),
    );
    await drainMicrotasks(); // the first queued call now waits for the running one
    limiter.clearQueue();
    expect(limiter.pendingCount).toBe(0);
    await drainMicrotasks();
    expect(settled).toEqual(['AbortError', 'AbortError']);
    gate.resolve('kept');
    await expect(running).resolves.toBe('kept');
    await Promise.all(queued);
    expect(limiter.activeCount).toBe(0);
  });

  test('clearQueue keeps the queued calls that raising concurrency gave a slot', async () => {
    const limiter = limit(1);
    const gate = deferred<void>();
    const running = limiter(() => gate.promise);
    const first = limiter(async () => 'first');
    const second = limiter(async () => 'second');
    limiter.concurrency = 2;
    expect(limiter.pendingCount).toBe(1);
    limiter.clearQueue();
    expect(limiter.pendingCount).toBe(0);
    await expect(first).resolves.toBe('first');
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    gate.resolve();
    await running;
    expect(limiter.activeCount).toBe(0);
  });

  test('calls queued after clearQueue run in order once a slot frees', async () => {
    const limiter = limit(1);
    const gate = deferred<void>();
    const order: string[] = [];
    const running = limiter(() => gate.promise);
    const cleared = limiter(async () => order.push('cleared'));
    limiter.clearQueue();
    const later = ['a', 'b', 'c'].map((name) => limiter(async () => order.push(name)));
    expect(limiter.pendingCount).toBe(3);
    await expect(cleared).rejects.toMatchObject({ name: 'AbortError' });
    await drainMicrotasks();
    expect(order).toEqual([]);
    gate.resolve();
    await Promise.all([running, ...later]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  test('an idle limiter holds no reference to the last function it queued', async () => {
    const limiter = limit(1);
    const gate = deferred<void>();
    const running = limiter(() => gate.promise);
    const weak = new WeakRef({ big: new Array(1000).fill(0) });
    // the queued function is the only holder of the payload
    const queued = ((payload) => limiter(async () => Object.keys(payload).length))(
      weak.deref() as object,
    );
    gate.resolve();
    await running;
    await expect(queued).resolves.toBe(1);
    await drainMicrotasks();
    collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });

  test('under random calls, slot changes and clears every call settles once with its own result', async () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const limiter = limit(2);
    const gates: Array<{ resolve: () => void }> = [];
    const calls: Array<Promise<unknown>> = [];
    let running = 0;
    for (let step = 0; step < 400; step++) {
      const action = random(10);
      if (action < 5) {
        const id = calls.length;
        const gate = deferred<void>();
        gates.push(gate);
        calls.push(
          limiter(async (value: number) => {
            running++;
            // a call only runs in a slot the limiter counts
            expect(running).toBeLessThanOrEqual(limiter.activeCount);
            await gate.promise;
            running--;
            return value;
          }, id).then(
            (value) => expect(value).toBe(id),
            (error: unknown) => expect((error as Error).name).toBe('AbortError'),
          ),
        );
      } else if (action < 7) {
        gates.splice(random(gates.length + 1), 1)[0]?.resolve();
      } else if (action === 7) {
        limiter.concurrency = 1 + random(4);
      } else if (action === 8) {
        limiter.clearQueue();
      } else {
        await drainMicrotasks();
      }
    }
    for (const gate of gates) gate.resolve();
    await Promise.all(calls);
    expect(limiter.activeCount).toBe(0);
    expect(limiter.pendingCount).toBe(0);
  });

  test('AsyncLocalStorage context reaches queued functions', async () => {
    const storage = new AsyncLocalStorage<number>();
    const limiter = limit(1);
    const gate = deferred<void>();
    const blocker = storage.run(-1, () => limiter(() => gate.promise));
    const calls = [1, 2, 3].map((id) =>
      storage.run(id, () => limiter(async () => storage.getStore())),
    );
    gate.resolve();
    await blocker;
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
  });

  test('limit.map rejects, never throws, for an input that is not iterable or a fn that is not a function', async () => {
    const limiter = limit(2);
    const notIterable = limiter.map(5 as never, (x: number) => x);
    await expect(notIterable).rejects.toThrow(TypeError);
    await expect(notIterable).rejects.toThrow(/`iterable`/);
    await expect(limiter.map([1], 5 as never)).rejects.toThrow(/`fn`/);
    const broken = {
      *[Symbol.iterator]() {
        yield 1;
        throw new Error('input failed');
      },
    };
    await expect(limiter.map(broken, (x: number) => x)).rejects.toThrow('input failed');
  });

  test('limit.map calls fn(item, index) through the limiter in input order', async () => {
    const limiter = limit(2);
    let running = 0;
    let peak = 0;
    const result = await limiter.map([10, 20, 30, 40], async (item, index) => {
      running++;
      peak = Math.max(peak, running);
      await drainMicrotasks();
      running--;
      return item + index;
    });
    expect(result).toEqual([10, 21, 32, 43]);
    expect(peak).toBe(2);
  });

  test('accepts an options object', () => {
    expect(limit({ concurrency: 4 }).concurrency).toBe(4);
  });
});
