import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, test } from 'vitest';
import { limit } from '../src/index.js';
import { deferred } from '../src/internal.js';

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
