import { afterEach, describe, expect, test, vi } from 'vitest';
import { Lock, ParError, TimeoutError } from '../src/index.js';

describe('Lock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('acquire resolves to a handle and sets locked', async () => {
    const lock = new Lock();
    expect(lock.locked()).toBe(false);
    const held = await lock.acquire();
    expect(lock.locked()).toBe(true);
    held.release();
    expect(lock.locked()).toBe(false);
  });

  test('wakes waiters in FIFO order', async () => {
    const lock = new Lock();
    const order: number[] = [];
    const first = await lock.acquire();
    const waiters = [1, 2, 3].map(async (i) => {
      const held = await lock.acquire();
      order.push(i);
      held.release();
    });
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  test('a newcomer never jumps ahead of a waiter', async () => {
    const lock = new Lock();
    const order: string[] = [];
    const held = await lock.acquire();
    const waiter = lock.acquire().then((h) => {
      order.push('waiter');
      h.release();
    });
    held.release();
    expect(lock.locked()).toBe(true);
    expect(lock.tryAcquire()).toBeUndefined();
    const newcomer = lock.acquire().then((h) => {
      order.push('newcomer');
      h.release();
    });
    await Promise.all([waiter, newcomer]);
    expect(order).toEqual(['waiter', 'newcomer']);
  });

  test('the handle works with using (Symbol.dispose)', async () => {
    const lock = new Lock();
    {
      using _held = await lock.acquire();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  test('releasing a handle twice is a no-op', async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    held.release();
    const other = await lock.acquire();
    held.release();
    expect(lock.locked()).toBe(true);
    other.release();
  });

  test('the handle is also callable, like async-mutex releasers', async () => {
    const lock = new Lock();
    const release = await lock.acquire();
    release();
    expect(lock.locked()).toBe(false);
    release();
    expect(lock.locked()).toBe(false);
  });

  test('release of an unheld lock throws a ParError with code PAR_NOT_HELD', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(ParError);
    expect(() => lock.release()).toThrow(/not acquired/);
    expect(() => lock.release()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });

  test('a release handle reports whether it was used, and releases once', async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    expect(held.released).toBe(false);
    held();
    expect(held.released).toBe(true);
    expect(lock.locked()).toBe(false);
    held.release();
    held[Symbol.dispose]();
    expect(lock.locked()).toBe(false);
  });

  test('release() on the lock hands it to the next waiter', async () => {
    const lock = new Lock();
    await lock.acquire();
    const next = lock.acquire();
    lock.release();
    const held = await next;
    expect(lock.locked()).toBe(true);
    held.release();
    expect(lock.locked()).toBe(false);
  });

  test('an aborted acquire rejects with signal.reason and leaves no waiter behind', async () => {
    const lock = new Lock();
    const held = await lock.acquire();
    const controller = new AbortController();
    const reason = new Error('give up');
    const waiting = lock.acquire({ signal: controller.signal });
    expect(lock.waiting).toBe(1);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(lock.waiting).toBe(0);
    held.release();
    expect(lock.locked()).toBe(false);
  });

  test('an acquire that times out rejects with TimeoutError and leaves no waiter behind', async () => {
    vi.useFakeTimers();
    const lock = new Lock();
    const held = await lock.acquire();
    const waiting = lock.acquire({ timeout: 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBeInstanceOf(TimeoutError);
    expect(lock.waiting).toBe(0);
    held.release();
    expect(lock.locked()).toBe(false);
  });

  test('a successful acquire clears its timeout timer', async () => {
    vi.useFakeTimers();
    const lock = new Lock();
    const held = await lock.acquire();
    const waiting = lock.acquire({ timeout: 100 });
    held.release();
    (await waiting).release();
    expect(vi.getTimerCount()).toBe(0);
  });

  test('runExclusive releases the lock after the function, also on failure', async () => {
    const lock = new Lock();
    await expect(lock.runExclusive(async () => 7)).resolves.toBe(7);
    await expect(
      lock.runExclusive(async () => {
        throw new Error('x');
      }),
    ).rejects.toThrow('x');
    expect(lock.locked()).toBe(false);
  });
});
