import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { retry } from '../src/index.js';

describe('retry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('returns the first successful result and passes the attempt number', async () => {
    const attempts: number[] = [];
    const result = retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { minTimeout: 10 },
    );
    await vi.advanceTimersByTimeAsync(10 + 20);
    await expect(result).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
  });

  test('waits with exponential backoff capped by maxTimeout', async () => {
    const t0 = Date.now();
    const startedAt: number[] = [];
    const result = retry(
      async () => {
        startedAt.push(Date.now() - t0);
        throw new Error('always');
      },
      { retries: 4, minTimeout: 100, factor: 2, maxTimeout: 300 },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100 + 200 + 300 + 300);
    expect(startedAt).toEqual([0, 100, 300, 600, 900]);
    expect(await result).toEqual(new Error('always'));
  });

  test('rejects with the last error itself after the retries are used up', async () => {
    const errors = [new Error('1'), new Error('2'), new Error('3')];
    const result = retry(
      async (attempt) => {
        throw errors[attempt - 1];
      },
      { retries: 2, minTimeout: 5 },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5 + 10);
    expect(await result).toBe(errors[2]);
  });

  test('shouldRetry(error, attempt) returning false stops at once', async () => {
    const fatal = new Error('fatal');
    const calls: Array<[unknown, number]> = [];
    let attempts = 0;
    const result = retry(
      async () => {
        attempts++;
        throw fatal;
      },
      {
        retries: 5,
        minTimeout: 10,
        shouldRetry: (error, attempt) => {
          calls.push([error, attempt]);
          return false;
        },
      },
    );
    await expect(result).rejects.toBe(fatal);
    expect(attempts).toBe(1);
    expect(calls).toEqual([[fatal, 1]]);
  });

  test('abort during a wait rejects with signal.reason and makes no more attempts', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const result = retry(
      async () => {
        attempts++;
        throw new Error('fail');
      },
      { minTimeout: 1000, signal: controller.signal },
    ).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const reason = new Error('cancel');
    controller.abort(reason);
    expect(await result).toBe(reason);
    await vi.advanceTimersByTimeAsync(5000);
    expect(attempts).toBe(1);
  });

  test('jitter multiplies each wait by a number from [1, 2)', async () => {
    const t0 = Date.now();
    const startedAt: number[] = [];
    const result = retry(
      async (attempt) => {
        startedAt.push(Date.now() - t0);
        if (attempt < 3) throw new Error('again');
        return attempt;
      },
      { minTimeout: 100, factor: 2, jitter: true, random: () => 0.5 },
    );
    await vi.advanceTimersByTimeAsync(150 + 300);
    await expect(result).resolves.toBe(3);
    expect(startedAt).toEqual([0, 150, 450]);
  });

  test('onFailedAttempt sees every failure', async () => {
    const seen: number[] = [];
    const result = retry(
      async (attempt) => {
        if (attempt < 2) throw new Error('x');
        return 'done';
      },
      { minTimeout: 1, onFailedAttempt: (_error, attempt) => void seen.push(attempt) },
    );
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('done');
    expect(seen).toEqual([1]);
  });
});
