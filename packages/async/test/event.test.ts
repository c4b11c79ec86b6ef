import { afterEach, describe, expect, test, vi } from 'vitest';
import { Event } from '../src/index.js';

describe('Event', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('set wakes every waiter in FIFO order with true', async () => {
    const event = new Event();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((i) =>
      event.wait().then((flag) => {
        order.push(i);
        return flag;
      }),
    );
    expect(event.isSet()).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    await expect(Promise.all(waiters)).resolves.toEqual([true, true, true]);
    expect(order).toEqual([1, 2, 3]);
  });

  test('wait resolves at once while set and waits again after clear', async () => {
    const event = new Event();
    event.set();
    await expect(event.wait()).resolves.toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
    let woke = false;
    const waiting = event.wait().then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    event.set();
    await waiting;
    expect(woke).toBe(true);
  });

  test('wait with a timeout resolves false (Python semantics) and leaves no waiter behind', async () => {
    vi.useFakeTimers();
    const event = new Event();
    const waiting = event.wait({ timeout: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(waiting).resolves.toBe(false);
    expect(event.waiting).toBe(0);
  });

  test('an aborted wait rejects with signal.reason and leaves no waiter behind', async () => {
    const event = new Event();
    const controller = new AbortController();
    const reason = new Error('stop');
    const waiting = event.wait({ signal: controller.signal });
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(event.waiting).toBe(0);
  });

  test('isSet() is false until set() and false again after clear()', async () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    const waiting = event.wait();
    event.set();
    await expect(waiting).resolves.toBe(true);
    expect(event.isSet()).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });
});
