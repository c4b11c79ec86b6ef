import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { shield, TimeoutError, timeout } from '../src/index.js';
import { deferred } from '../src/internal.js';

describe('shield', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('the shielded work keeps running after an enclosing timeout gives up', async () => {
    const work = deferred<string>();
    let finished: string | undefined;
    const shielded = shield(async () => {
      finished = await work.promise;
      return finished;
    });
    const outer = timeout(10, shielded).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outer).toBeInstanceOf(TimeoutError);
    work.resolve('saved');
    await expect(shielded).resolves.toBe('saved');
    expect(finished).toBe('saved');
  });

  test('its signal stops the waiting, not the work', async () => {
    const controller = new AbortController();
    const work = deferred<number>();
    const shielded = shield(work.promise, { signal: controller.signal });
    const reason = new Error('stop waiting');
    controller.abort(reason);
    await expect(shielded).rejects.toBe(reason);
    work.resolve(1);
    await expect(work.promise).resolves.toBe(1);
  });

  test('passes the result and the error of the work through', async () => {
    const boom = new Error('boom');
    await expect(shield(Promise.resolve(3))).resolves.toBe(3);
    await expect(shield(Promise.reject(boom))).rejects.toBe(boom);
  });
});
