import { afterEach, describe, expect, test, vi } from 'vitest';
import { asCompleted, TimeoutError } from '../src/index.js';
import { deferred } from '../src/internal.js';

describe('asCompleted', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('yields results in completion order', async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const c = deferred<string>();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const value of asCompleted([a.promise, b.promise, c.promise])) seen.push(value);
    })();
    b.resolve('b');
    await Promise.resolve();
    c.resolve('c');
    await Promise.resolve();
    a.resolve('a');
    await loop;
    expect(seen).toEqual(['b', 'c', 'a']);
  });

  test('a promise given twice is yielded once, as in Python; plain values each time', async () => {
    const p = Promise.resolve('dup');
    const out: string[] = [];
    for await (const v of asCompleted([p, p, 'x', 'x', p])) out.push(v);
    expect(out.sort()).toEqual(['dup', 'x', 'x']);
  });

  test('a rejection is thrown from the loop when its turn comes', async () => {
    const boom = new Error('boom');
    const a = deferred<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of asCompleted([Promise.resolve(1), a.promise])) seen.push(value);
    })();
    a.reject(boom);
    await expect(loop).rejects.toBe(boom);
    expect(seen).toEqual([1]);
  });

  test('rejects with TimeoutError when its timeout passes', async () => {
    vi.useFakeTimers();
    const slow = deferred<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of asCompleted([Promise.resolve(1), slow.promise], { timeout: 100 })) {
        seen.push(value);
      }
    })();
    const outcome = loop.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(seen).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('the timeout counts from the call, as in Python', async () => {
    vi.useFakeTimers();
    const iterator = asCompleted([new Promise<number>(() => {})], { timeout: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(iterator.next()).rejects.toBeInstanceOf(TimeoutError);
  });

  test('abort rejects the loop with signal.reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const loop = (async () => {
      for await (const _ of asCompleted([new Promise(() => {})], { signal: controller.signal })) {
        // never reached
      }
    })();
    await Promise.resolve();
    controller.abort(reason);
    await expect(loop).rejects.toBe(reason);
  });

  test('after the timeout, the results that arrived are yielded before the TimeoutError', async () => {
    vi.useFakeTimers();
    const a = deferred<string>();
    const b = deferred<string>();
    const iterator = asCompleted([a.promise, b.promise, new Promise<string>(() => {})], {
      timeout: 100,
    });
    a.resolve('a');
    b.resolve('b');
    await vi.advanceTimersByTimeAsync(100); // the loop has not read anything yet
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'a' });
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'b' });
    await expect(iterator.next()).rejects.toBeInstanceOf(TimeoutError);
  });

  test('the timeout no longer applies once every input settled, however slowly the loop reads', async () => {
    vi.useFakeTimers();
    const a = deferred<string>();
    const b = deferred<string>();
    const iterator = asCompleted([a.promise, b.promise], { timeout: 100 });
    a.resolve('a');
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'a' });
    b.resolve('b');
    await Promise.resolve();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000); // a slow consumer
    await expect(iterator.next()).resolves.toEqual({ done: false, value: 'b' });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  test('after an abort, the results that arrived are yielded before signal.reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const a = deferred<number>();
    const iterator = asCompleted([a.promise, new Promise<number>(() => {})], {
      signal: controller.signal,
    });
    const first = iterator.next();
    a.resolve(1);
    controller.abort(reason);
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    await expect(iterator.next()).rejects.toBe(reason);
  });

  test('a signal aborted before the loop begins stops it at once', async () => {
    const reason = new Error('stop');
    const iterator = asCompleted([Promise.resolve(1)], { signal: AbortSignal.abort(reason) });
    await expect(iterator.next()).rejects.toBe(reason);
  });
});
