import { afterEach, describe, expect, test, vi } from 'vitest';
import { Condition, Lock, ParError } from '../src/index.js';

// every pending promise continuation runs before a macrotask (setImmediate) does
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Condition', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('notify wakes one waiter, FIFO, and it holds the lock again when wait returns', async () => {
    const cond = new Condition();
    const order: number[] = [];
    const waiters = [1, 2].map(async (i) => {
      using _held = await cond.acquire();
      await cond.wait();
      expect(cond.locked()).toBe(true);
      order.push(i);
    });
    await drainMicrotasks();
    expect(cond.waiting).toBe(2);
    {
      using _held = await cond.acquire();
      cond.notify();
    }
    await drainMicrotasks();
    expect(order).toEqual([1]);
    {
      using _held = await cond.acquire();
      cond.notify();
    }
    await Promise.all(waiters);
    expect(order).toEqual([1, 2]);
    expect(cond.locked()).toBe(false);
  });

  test('notifyAll wakes every waiter', async () => {
    const cond = new Condition();
    let woken = 0;
    const waiters = [1, 2, 3].map(async () => {
      using _held = await cond.acquire();
      await cond.wait();
      woken++;
    });
    await drainMicrotasks();
    expect(cond.waiting).toBe(3);
    {
      using _held = await cond.acquire();
      cond.notifyAll();
    }
    await Promise.all(waiters);
    expect(woken).toBe(3);
  });

  test('notify(n) wakes n waiters', async () => {
    const cond = new Condition();
    let woken = 0;
    const waiters = [1, 2, 3].map(async () => {
      using _held = await cond.acquire();
      await cond.wait();
      woken++;
    });
    await drainMicrotasks();
    expect(cond.waiting).toBe(3);
    {
      using _held = await cond.acquire();
      cond.notify(2);
    }
    await drainMicrotasks();
    expect(woken).toBe(2);
    expect(cond.waiting).toBe(1);
    {
      using _held = await cond.acquire();
      cond.notify();
    }
    await Promise.all(waiters);
  });

  test('waitFor returns once the predicate holds', async () => {
    const cond = new Condition();
    const items: number[] = [];
    const consumer = (async () => {
      using _held = await cond.acquire();
      await cond.waitFor(() => items.length > 0);
      return items.shift();
    })();
    await drainMicrotasks();
    expect(cond.waiting).toBe(1);
    {
      using _held = await cond.acquire();
      items.push(7);
      cond.notify();
    }
    await expect(consumer).resolves.toBe(7);
  });

  test('waiting or notifying without holding the lock throws PAR_NOT_HELD', async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toThrow(ParError);
    await expect(cond.wait()).rejects.toMatchObject({ code: 'PAR_NOT_HELD' });
    expect(() => cond.notify()).toThrow(ParError);
    expect(() => cond.notify()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });

  test('wait with a timeout resolves false and holds the lock again', async () => {
    vi.useFakeTimers();
    const cond = new Condition();
    const held = await cond.acquire();
    const waiting = cond.wait({ timeout: 20 });
    expect(cond.locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    await expect(waiting).resolves.toBe(false);
    expect(cond.locked()).toBe(true);
    expect(cond.waiting).toBe(0);
    held.release();
  });

  test('an aborted wait re-acquires the lock, then rejects with signal.reason', async () => {
    const cond = new Condition();
    const held = await cond.acquire();
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = cond.wait({ signal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(cond.locked()).toBe(true);
    expect(cond.waiting).toBe(0);
    held.release();
  });

  test('can share a lock passed to the constructor', async () => {
    const lock = new Lock();
    const cond = new Condition(lock);
    const held = await lock.acquire();
    expect(cond.locked()).toBe(true);
    held.release();
    expect(cond.locked()).toBe(false);
  });
});
