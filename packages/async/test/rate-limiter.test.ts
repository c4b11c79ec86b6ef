import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type Clock, RateLimiter, throttle } from '../src/index.js';
import { tick } from './helpers.js';

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function track(limiter: RateLimiter, count: number): number[] {
    const startedAt: number[] = [];
    for (let i = 0; i < count; i++) {
      void limiter.schedule(() => {
        startedAt.push(Date.now());
      });
    }
    return startedAt;
  }

  test('starts at most limit calls per interval (fixed windows)', async () => {
    const t0 = Date.now();
    const limiter = new RateLimiter({ limit: 2, interval: 1000 });
    const startedAt = track(limiter, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 0]);
    expect(limiter.queueSize).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 0, 1000, 1000]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 0, 1000, 1000, 2000]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('strict mode never allows more than limit calls in any interval', async () => {
    const t0 = Date.now();
    const limiter = new RateLimiter({ limit: 2, interval: 1000, strict: true });
    void limiter.acquire();
    await vi.advanceTimersByTimeAsync(600);
    const startedAt = track(limiter, 3);
    await vi.advanceTimersByTimeAsync(2000);
    // the first grant was at 0, so the second slot frees at 1000, then at 1600, 2000
    expect(startedAt.map((t) => t - t0)).toEqual([600, 1000, 1600]);
  });

  test('schedule passes arguments and resolves with the result', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 100 });
    await expect(limiter.schedule((a: number, b: number) => a * b, 6, 7)).resolves.toBe(42);
  });

  test('schedule with something that is not a function rejects before taking a slot', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    await expect(limiter.schedule(undefined as never)).rejects.toThrow(
      new TypeError('Expected `fn` to be a function, got `undefined` (undefined)'),
    );
    // the window's only slot is still free
    await expect(limiter.schedule(() => 'now')).resolves.toBe('now');
  });

  test('an aborted acquire leaves the queue and does not use up a slot', async () => {
    const t0 = Date.now();
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    await limiter.acquire();
    const controller = new AbortController();
    const withdrawn = limiter.acquire({ signal: controller.signal });
    const startedAt = track(limiter, 1);
    controller.abort();
    await expect(withdrawn).rejects.toBe(controller.signal.reason);
    expect(limiter.queueSize).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(startedAt.map((t) => t - t0)).toEqual([1000]);
  });

  test('the limiter signal rejects every waiting call with its reason', async () => {
    const controller = new AbortController();
    const limiter = new RateLimiter({ limit: 1, interval: 1000, signal: controller.signal });
    await limiter.acquire();
    const waiting = [limiter.acquire(), limiter.acquire()];
    const reason = new Error('shutdown');
    controller.abort(reason);
    for (const w of waiting) await expect(w).rejects.toBe(reason);
    await expect(limiter.acquire()).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('clearQueue rejects waiting calls with an AbortError', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    await limiter.acquire();
    const waiting = limiter.acquire();
    limiter.clearQueue();
    const error = await waiting.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });

  test('time is injectable through the clock option', async () => {
    vi.useRealTimers();
    let now = 0;
    const timers: Array<{ at: number; fn: () => void }> = [];
    const clock: Clock = {
      now: () => now,
      setTimeout: (fn, ms) => {
        const timer = { at: now + ms, fn };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        const i = timers.indexOf(handle as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    };
    const limiter = new RateLimiter({ limit: 1, interval: 50, clock });
    await limiter.acquire();
    let second = false;
    const waiting = limiter.acquire().then(() => {
      second = true;
    });
    expect(timers.map((t) => t.at)).toEqual([50]);
    now = 50;
    timers.shift()?.fn();
    await waiting;
    expect(second).toBe(true);
  });

  test('strict schedule and acquire start at most limit calls per interval', async () => {
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
});

describe('throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('limits how often the wrapped function starts and keeps its results', async () => {
    const t0 = Date.now();
    const startedAt: number[] = [];
    const double = throttle(
      (n: number) => {
        startedAt.push(Date.now() - t0);
        return n * 2;
      },
      { limit: 2, interval: 100 },
    );
    const results = Promise.all([1, 2, 3].map((n) => double(n)));
    expect(double.queueSize).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    await expect(results).resolves.toEqual([2, 4, 6]);
    expect(startedAt).toEqual([0, 0, 100]);
  });

  test('its signal rejects the waiting calls with signal.reason', async () => {
    const controller = new AbortController();
    const fn = throttle(() => 'ok', { limit: 1, interval: 1000, signal: controller.signal });
    await expect(fn()).resolves.toBe('ok');
    const waiting = fn();
    controller.abort();
    await expect(waiting).rejects.toBe(controller.signal.reason);
  });
});
