import { TimeoutError } from '@par/async';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull } from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

const kinds = [
  ['Queue', <T>(maxsize = 0) => new Queue<T>({ maxsize })],
  ['LifoQueue', <T>(maxsize = 0) => new LifoQueue<T>({ maxsize })],
  ['PriorityQueue', <T>(maxsize = 0) => new PriorityQueue<T>({ maxsize })],
] as const;

describe.each(kinds)('%s get with signal or timeout', (_name, make) => {
  it('rejects with signal.reason when aborted while waiting', async () => {
    const queue = make<number>();
    const controller = new AbortController();
    const got = queue.get({ signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(got).rejects.toBe(reason);
  });

  it('rejects at once with signal.reason when the signal is already aborted, taking nothing', async () => {
    const queue = make<number>();
    queue.putNowait(1);
    const reason = new Error('already');
    await expect(queue.get({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(queue.size).toBe(1);
  });

  it('leaves no waiter behind after an abort: the next item stays in the queue', async () => {
    const queue = make<number>();
    const controller = new AbortController();
    const got = queue.get({ signal: controller.signal });
    controller.abort();
    await expect(got).rejects.toBeDefined();
    queue.putNowait(7);
    expect(queue.size).toBe(1);
    expect(queue.getNowait()).toBe(7);
  });

  it('removes its abort listener once it has an item', async () => {
    const queue = make<number>();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const got = queue.get({ signal: controller.signal });
    queue.putNowait(1);
    expect(await got).toBe(1);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('rejects with QueueEmpty when the timeout passes, and leaves no waiter or timer behind', async () => {
    vi.useFakeTimers();
    const queue = make<number>();
    const got = queue.get({ timeout: 100 });
    const check = expect(got).rejects.toBeInstanceOf(QueueEmpty);
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await check;
    expect(vi.getTimerCount()).toBe(0);
    queue.putNowait(3);
    expect(queue.getNowait()).toBe(3);
  });

  it('clears its timer when an item arrives before the timeout', async () => {
    vi.useFakeTimers();
    const queue = make<number>();
    const got = queue.get({ timeout: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    queue.putNowait(5);
    expect(vi.getTimerCount()).toBe(0);
    expect(await got).toBe(5);
  });

  it('timeout 0 rejects with QueueEmpty at once when empty and returns an item when there is one', async () => {
    const queue = make<number>();
    await expect(queue.get({ timeout: 0 })).rejects.toBeInstanceOf(QueueEmpty);
    queue.putNowait(1);
    await expect(queue.get({ timeout: 0 })).resolves.toBe(1);
  });

  it('timeout Infinity waits without a timer', async () => {
    vi.useFakeTimers();
    const queue = make<number>();
    const got = queue.get({ timeout: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(0);
    queue.putNowait(2);
    expect(await got).toBe(2);
  });

  it('does not lose an item handed to a getter whose signal aborts in the same tick', async () => {
    const queue = make<string>();
    const controller = new AbortController();
    const got = queue.get({ signal: controller.signal });
    queue.putNowait('item');
    controller.abort(new Error('too late'));
    expect(await got).toBe('item');
    expect(queue.size).toBe(0);
    queue.taskDone();
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('does not lose an item handed to a getter whose timeout fires in the same tick', async () => {
    vi.useFakeTimers();
    const queue = make<string>();
    const got = queue.get({ timeout: 10 });
    setTimeout(() => queue.putNowait('item'), 10); // scheduled after the get's own timer
    const check = expect(got).rejects.toBeInstanceOf(QueueEmpty);
    await vi.advanceTimersByTimeAsync(10);
    await check;
    expect(queue.getNowait()).toBe('item');
  });

  it('an aborted getter does not change which waiting getter gets the next item', async () => {
    const queue = make<string>();
    const controller = new AbortController();
    const first = queue.get({ signal: controller.signal });
    const second = queue.get();
    controller.abort();
    await expect(first).rejects.toBeDefined();
    queue.putNowait('x');
    expect(await second).toBe('x');
  });
});

describe.each(kinds)('%s put with signal or timeout', (_name, make) => {
  it('rejects with signal.reason when aborted while waiting, and the item is not added', async () => {
    const queue = make<number>(1);
    queue.putNowait(1);
    const controller = new AbortController();
    const put = queue.put(2, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(put).rejects.toBe(reason);
    expect(queue.getNowait()).toBe(1);
    expect(queue.size).toBe(0);
    queue.taskDone();
    await expect(queue.join()).resolves.toBeUndefined();
  });

  it('rejects at once with signal.reason when the signal is already aborted, adding nothing', async () => {
    const queue = make<number>();
    const reason = new Error('already');
    await expect(queue.put(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(queue.size).toBe(0);
  });

  it('rejects with QueueFull when the timeout passes, leaving no putter or timer behind', async () => {
    vi.useFakeTimers();
    const queue = make<number>(1);
    queue.putNowait(1);
    const put = queue.put(2, { timeout: 50 });
    const check = expect(put).rejects.toBeInstanceOf(QueueFull);
    await vi.advanceTimersByTimeAsync(50);
    await check;
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.getNowait()).toBe(1);
    expect(queue.size).toBe(0);
  });

  it('clears its timer and abort listener when let in before the timeout', async () => {
    vi.useFakeTimers();
    const queue = make<number>(1);
    queue.putNowait(1);
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const put = queue.put(2, { timeout: 1000, signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    queue.getNowait();
    expect(vi.getTimerCount()).toBe(0);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    await put;
    expect(queue.getNowait()).toBe(2);
  });

  it('timeout 0 rejects with QueueFull at once when full', async () => {
    const queue = make<number>(1);
    queue.putNowait(1);
    await expect(queue.put(2, { timeout: 0 })).rejects.toBeInstanceOf(QueueFull);
    expect(queue.size).toBe(1);
  });

  it('does not duplicate an item whose putter was let in just before its signal aborted', async () => {
    const queue = make<number>(1);
    queue.putNowait(1);
    const controller = new AbortController();
    const put = queue.put(2, { signal: controller.signal });
    queue.getNowait(); // lets the putter in
    controller.abort();
    await expect(put).resolves.toBeUndefined();
    expect(queue.getNowait()).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('an aborted putter does not hold up the putters behind it', async () => {
    const queue = make<number>(1);
    queue.putNowait(0);
    const controller = new AbortController();
    const first = queue.put(1, { signal: controller.signal });
    const second = queue.put(2);
    controller.abort();
    await expect(first).rejects.toBeDefined();
    queue.getNowait();
    await second;
    expect(queue.getNowait()).toBe(2);
  });
});

describe('timeout errors', () => {
  it('a timed-out get is a QueueEmpty whose cause is a TimeoutError', async () => {
    const error = await new Queue<number>().get({ timeout: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueEmpty);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
  });

  it('a timed-out put is a QueueFull whose cause is a TimeoutError', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const error = await queue.put(2, { timeout: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFull);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
  });
});
