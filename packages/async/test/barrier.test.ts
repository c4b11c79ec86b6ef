import { afterEach, describe, expect, test, vi } from 'vitest';
import { Barrier, BrokenBarrierError } from '../src/index.js';

describe('Barrier', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('releases everyone when parties arrive, with distinct indexes 0..parties-1', async () => {
    const barrier = new Barrier(3);
    expect(barrier.parties).toBe(3);
    const first = barrier.wait();
    const second = barrier.wait();
    expect(barrier.nWaiting).toBe(2);
    const third = barrier.wait();
    const indexes = await Promise.all([first, second, third]);
    expect([...indexes].sort()).toEqual([0, 1, 2]);
    expect(indexes).toEqual([0, 1, 2]);
    expect(barrier.nWaiting).toBe(0);
  });

  test('can be used for several rounds', async () => {
    const barrier = new Barrier(2);
    for (let round = 0; round < 3; round++) {
      const indexes = await Promise.all([barrier.wait(), barrier.wait()]);
      expect(indexes.sort()).toEqual([0, 1]);
    }
  });

  test('abort breaks every waiter and later waits with BrokenBarrierError', async () => {
    const barrier = new Barrier(3);
    const a = barrier.wait();
    const b = barrier.wait();
    barrier.abort();
    await expect(a).rejects.toBeInstanceOf(BrokenBarrierError);
    await expect(b).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
  });

  test('a wait timeout breaks the barrier for every waiter', async () => {
    vi.useFakeTimers();
    const barrier = new Barrier(3);
    const a = barrier.wait().catch((e: unknown) => e);
    const b = barrier.wait({ timeout: 100 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await a).toBeInstanceOf(BrokenBarrierError);
    expect(await b).toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    expect(barrier.nWaiting).toBe(0);
  });

  test('reset breaks current waiters and makes the barrier usable again', async () => {
    const barrier = new Barrier(2);
    const a = barrier.wait();
    barrier.reset();
    await expect(a).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(false);
    barrier.abort();
    barrier.reset();
    expect(barrier.broken).toBe(false);
    await expect(Promise.all([barrier.wait(), barrier.wait()])).resolves.toEqual([0, 1]);
  });

  test('an aborted wait withdraws only that task and leaves no waiter behind', async () => {
    const barrier = new Barrier(2);
    const controller = new AbortController();
    const withdrawn = barrier.wait({ signal: controller.signal });
    controller.abort();
    await expect(withdrawn).rejects.toBe(controller.signal.reason);
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.broken).toBe(false);
    await expect(Promise.all([barrier.wait(), barrier.wait()])).resolves.toEqual([0, 1]);
  });
});
