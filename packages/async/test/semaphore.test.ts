import { afterEach, describe, expect, test, vi } from 'vitest';
import { BoundedSemaphore, Semaphore, TimeoutError } from '../src/index.js';

describe('Semaphore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('allows value holders at once and makes the next one wait', async () => {
    const sem = new Semaphore(2);
    const a = await sem.acquire();
    await sem.acquire();
    expect(sem.value).toBe(0);
    expect(sem.locked()).toBe(true);
    let third = false;
    const waiting = sem.acquire().then((h) => {
      third = true;
      return h;
    });
    await Promise.resolve();
    expect(third).toBe(false);
    a.release();
    await waiting;
    expect(third).toBe(true);
  });

  test('defaults to a value of 1', () => {
    expect(new Semaphore().value).toBe(1);
  });

  test('wakes waiters in FIFO order', async () => {
    const sem = new Semaphore(1);
    const order: number[] = [];
    const first = await sem.acquire();
    const waiters = [1, 2, 3].map(async (i) => {
      using _held = await sem.acquire();
      order.push(i);
    });
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(sem.value).toBe(1);
  });

  test('the handle works with using', async () => {
    const sem = new Semaphore(1);
    {
      using _held = await sem.acquire();
      expect(sem.value).toBe(0);
    }
    expect(sem.value).toBe(1);
  });

  test('release() without acquire raises the value of a plain Semaphore', () => {
    const sem = new Semaphore(1);
    sem.release();
    expect(sem.value).toBe(2);
  });

  test('an aborted acquire leaves no waiter behind', async () => {
    const sem = new Semaphore(0);
    const controller = new AbortController();
    const waiting = sem.acquire({ signal: controller.signal });
    expect(sem.waiting).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBe(controller.signal.reason);
    expect(sem.waiting).toBe(0);
    sem.release();
    expect(sem.value).toBe(1);
  });

  test('a timed-out acquire rejects with TimeoutError and leaves no waiter behind', async () => {
    vi.useFakeTimers();
    const sem = new Semaphore(0);
    const waiting = sem.acquire({ timeout: 30 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    expect(await waiting).toBeInstanceOf(TimeoutError);
    expect(sem.waiting).toBe(0);
  });

  test('tryAcquire takes a unit only when one is free', () => {
    const sem = new Semaphore(1);
    const held = sem.tryAcquire();
    expect(held).toBeDefined();
    expect(sem.tryAcquire()).toBeUndefined();
    held?.release();
    expect(sem.value).toBe(1);
  });
});

describe('BoundedSemaphore', () => {
  test('over-release throws a RangeError with code PAR_OVER_RELEASE', async () => {
    const sem = new BoundedSemaphore(2);
    const held = await sem.acquire();
    held.release();
    expect(() => sem.release()).toThrow(RangeError);
    expect(() => sem.release()).toThrow(expect.objectContaining({ code: 'PAR_OVER_RELEASE' }));
    expect(() => sem.release()).toThrow(/released too many times/);
    expect(sem.value).toBe(2);
  });

  test('release after acquire is fine and hands the unit to a waiter', async () => {
    const sem = new BoundedSemaphore(1);
    await sem.acquire();
    const waiting = sem.acquire();
    sem.release();
    const held = await waiting;
    expect(sem.value).toBe(0);
    held.release();
    expect(sem.value).toBe(1);
  });
});
