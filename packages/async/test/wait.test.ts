import { afterEach, describe, expect, test, vi } from 'vitest';
import { wait } from '../src/index.js';
import { deferred } from '../src/internal.js';

describe('wait', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("'ALL_COMPLETED' (the default) returns when every promise settled", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    b.promise.catch(() => {});
    let finished = false;
    const waiting = wait([a.promise, b.promise]).then((r) => {
      finished = true;
      return r;
    });
    a.resolve(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(finished).toBe(false);
    b.reject(new Error('b'));
    const { done, pending } = await waiting;
    expect(done).toEqual(new Set([a.promise, b.promise]));
    expect(pending.size).toBe(0);
  });

  test("'FIRST_COMPLETED' returns as soon as one promise settles", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const waiting = wait([a.promise, b.promise], { returnWhen: 'FIRST_COMPLETED' });
    b.resolve(2);
    const { done, pending } = await waiting;
    expect([...done]).toEqual([b.promise]);
    expect([...pending]).toEqual([a.promise]);
    expect(done.has(b.promise)).toBe(true);
  });

  test("'FIRST_COMPLETED' counts every promise already settled, or settling in the same turn, as done (as asyncio.wait)", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const c = deferred<number>();
    a.resolve(1);
    b.resolve(2);
    const early = await wait([a.promise, b.promise, c.promise], { returnWhen: 'FIRST_COMPLETED' });
    expect(early.done).toEqual(new Set([a.promise, b.promise]));
    expect([...early.pending]).toEqual([c.promise]);

    const d = deferred<number>();
    const e = deferred<number>();
    const f = deferred<number>();
    const waiting = wait([d.promise, e.promise, f.promise], { returnWhen: 'FIRST_COMPLETED' });
    d.resolve(4);
    e.resolve(5);
    const sameTurn = await waiting;
    expect(sameTurn.done).toEqual(new Set([d.promise, e.promise]));
    expect([...sameTurn.pending]).toEqual([f.promise]);
  });

  test("'FIRST_EXCEPTION' counts the promises settled in the turn of the first rejection as done", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const c = deferred<number>();
    a.promise.catch(() => {});
    a.reject(new Error('a'));
    b.resolve(2);
    const { done, pending } = await wait([a.promise, b.promise, c.promise], {
      returnWhen: 'FIRST_EXCEPTION',
    });
    expect(done).toEqual(new Set([a.promise, b.promise]));
    expect([...pending]).toEqual([c.promise]);
  });

  test("'FIRST_EXCEPTION' returns at the first rejection", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const c = deferred<number>();
    const waiting = wait([a.promise, b.promise, c.promise], { returnWhen: 'FIRST_EXCEPTION' });
    a.resolve(1);
    await Promise.resolve();
    b.promise.catch(() => {});
    b.reject(new Error('b'));
    const { done, pending } = await waiting;
    expect(done).toEqual(new Set([a.promise, b.promise]));
    expect([...pending]).toEqual([c.promise]);
  });

  test("'FIRST_EXCEPTION' without any rejection waits for all", async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const waiting = wait([a.promise, b.promise], { returnWhen: 'FIRST_EXCEPTION' });
    a.resolve(1);
    b.resolve(2);
    const { done, pending } = await waiting;
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
  });

  test('never rejects on timeout: the unsettled promises are returned as pending', async () => {
    vi.useFakeTimers();
    const a = deferred<number>();
    const b = deferred<number>();
    const waiting = wait([a.promise, b.promise], { timeout: 50 });
    a.resolve(1);
    await vi.advanceTimersByTimeAsync(50);
    const { done, pending } = await waiting;
    expect([...done]).toEqual([a.promise]);
    expect([...pending]).toEqual([b.promise]);
  });
});
