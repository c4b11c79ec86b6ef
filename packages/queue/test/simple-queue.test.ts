import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueueEmpty, SimpleQueue } from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('SimpleQueue', () => {
  it('returns items in FIFO order', async () => {
    const queue = new SimpleQueue<number>();
    await queue.put(1);
    queue.putNowait(2);
    expect([await queue.get(), queue.getNowait()]).toEqual([1, 2]);
  });

  it('is unbounded: put never waits', async () => {
    const queue = new SimpleQueue<number>();
    for (let i = 0; i < 1000; i++) await queue.put(i);
    expect(queue.size).toBe(1000);
    expect(queue.empty()).toBe(false);
  });

  it('getNowait throws QueueEmpty when empty', () => {
    expect(() => new SimpleQueue().getNowait()).toThrow(QueueEmpty);
  });

  it('serves waiting getters in the order they called get', async () => {
    const queue = new SimpleQueue<string>();
    const a = queue.get();
    const b = queue.get();
    queue.putNowait('x');
    queue.putNowait('y');
    expect(await Promise.all([a, b])).toEqual(['x', 'y']);
  });

  it('get with a timeout rejects with QueueEmpty and leaves no waiter behind', async () => {
    vi.useFakeTimers();
    const queue = new SimpleQueue<string>();
    const got = queue.get({ timeout: 50 });
    const check = expect(got).rejects.toBeInstanceOf(QueueEmpty);
    await vi.advanceTimersByTimeAsync(50);
    await check;
    queue.putNowait('kept');
    expect(queue.size).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('get with an aborted signal rejects with the reason and leaves no waiter behind', async () => {
    const queue = new SimpleQueue<string>();
    const controller = new AbortController();
    const got = queue.get({ signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(got).rejects.toBe(reason);
    queue.putNowait('kept');
    expect(queue.getNowait()).toBe('kept');
  });

  it('has no task tracking or shutdown', () => {
    const queue = new SimpleQueue<number>() as unknown as Record<string, unknown>;
    expect(queue.taskDone).toBeUndefined();
    expect(queue.join).toBeUndefined();
    expect(queue.shutdown).toBeUndefined();
  });
});
