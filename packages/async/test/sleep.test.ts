import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { sleep } from '../src/index.js';

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('resolves with the value after the delay', async () => {
    let result: string | undefined;
    void sleep(100, 'done').then((v) => {
      result = v;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBe('done');
  });

  test('abort rejects with signal.reason itself and clears the timer', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const slept = sleep(1000, undefined, { signal: controller.signal });
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('an already aborted signal rejects without starting a timer', async () => {
    const reason = new Error('early');
    await expect(sleep(10, undefined, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('sleep without a value', () => {
  test('resolves undefined', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
  });
});
