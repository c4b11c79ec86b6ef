import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { TimeoutError, timeout } from '../src/index.js';
import { deferred } from '../src/internal.js';

// stops on its signal the way node:timers/promises' setTimeout and fetch do: with an AbortError
function sleepUntilAborted(signal: AbortSignal): Promise<string> {
  return new Promise<string>((_, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), {
      once: true,
    });
  });
}

describe('timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('resolves with the result when the work finishes in time', async () => {
    const result = timeout(100, async () => 'ok');
    await expect(result).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  test('rejects with TimeoutError at the deadline even if the function ignores its signal', async () => {
    const work = deferred<string>();
    const result = timeout(100, () => work.promise);
    const outcome = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    // whatever the function does afterwards does not change the outcome
    work.resolve('late');
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
  });

  test('a late rejection of the function after the deadline is swallowed', async () => {
    const work = deferred<string>();
    const result = timeout(10, () => work.promise).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    work.reject(new Error('late'));
    expect(await result).toBeInstanceOf(TimeoutError);
  });

  test('aborts the signal it hands to the function at the deadline', async () => {
    let seen: AbortSignal | undefined;
    const result = timeout(100, (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }).catch((e: unknown) => e);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
    expect(await result).toBeInstanceOf(TimeoutError);
  });

  test('bounds a plain promise', async () => {
    const result = timeout(20, new Promise<never>(() => {})).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(20);
    expect(await result).toBeInstanceOf(TimeoutError);
  });

  test('the caller signal rejects with its reason and aborts the function signal', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = timeout(
      1000,
      (signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      },
      { signal: controller.signal },
    );
    const reason = new Error('user');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(seen?.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a result the work produced in the same tick as the abort is returned, not dropped', async () => {
    const controller = new AbortController();
    const work = deferred<string>();
    const result = timeout(1000, () => work.promise, { signal: controller.signal });
    work.resolve('produced');
    controller.abort(new Error('user'));
    await expect(result).resolves.toBe('produced');
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a result the work produced in the same turn as the deadline is returned, not dropped', async () => {
    const work = deferred<string>();
    // a timer due at the same time, set first, resolves the work just before the deadline fires
    setTimeout(() => work.resolve('produced'), 100);
    const result = timeout(100, async () => {
      const value = await work.promise;
      await null; // the result needs a few more hops to reach timeout()
      await null;
      return value;
    });
    vi.advanceTimersByTime(100); // both timers fire in one go, no microtask runs between them
    await expect(result).resolves.toBe('produced');
  });

  test('rejects with TimeoutError, not the AbortError of a function that stops on its signal', async () => {
    const result = timeout(30, (signal) => sleepUntilAborted(signal));
    const outcome = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    expect(await outcome).toBeInstanceOf(TimeoutError);
  });

  test('rejects with TimeoutError even if the function answers the abort with a fallback value', async () => {
    const result = timeout(30, async (signal) => {
      try {
        return await sleepUntilAborted(signal);
      } catch {
        return 'fallback';
      }
    });
    const outcome = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    expect(await outcome).toBeInstanceOf(TimeoutError);
  });

  test('the caller signal rejects with its reason, not the AbortError the function answers with', async () => {
    const controller = new AbortController();
    const result = timeout(1000, (signal) => sleepUntilAborted(signal), {
      signal: controller.signal,
    });
    const reason = new Error('user');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('Infinity never times out', async () => {
    const work = deferred<number>();
    const result = timeout(Number.POSITIVE_INFINITY, work.promise);
    expect(vi.getTimerCount()).toBe(0);
    work.resolve(5);
    await expect(result).resolves.toBe(5);
  });
});
