import { describe, expect, it } from 'vitest';
import { Condition, Lock, RLock, Semaphore } from '../src/index.js';
import { inWorker, orFailWith } from './shared-helpers.js';

function ringState(capacity: number) {
  return {
    ring: new Int32Array(new SharedArrayBuffer(capacity * 4)),
    state: new Int32Array(new SharedArrayBuffer(8)), // [head, tail]
  };
}

describe('Condition across worker threads', () => {
  it('hands every item from producers to consumers through a small shared ring, once', async () => {
    for (const lockKind of ['RLock', 'Lock'] as const) {
      const lock = lockKind === 'RLock' ? new RLock() : new Lock();
      const cond = new Condition(lock);
      const { ring, state } = ringState(3);
      const shared = { cond: cond.buffer, lock: lock.buffer, lockKind, ring, state };
      const items = Array.from({ length: 60 }, (_, i) => i + 1);
      const producers = [items.slice(0, 30), items.slice(30)].map((part) =>
        inWorker('produce', { ...shared, items: part }),
      );
      const consumers = [20, 20, 20].map((count) =>
        inWorker<number[]>('consume', { ...shared, count }),
      );
      await Promise.all(producers);
      const taken = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
      expect(taken).toEqual(items);
    }
  });

  it('wakes worker waiters with notify(n), each wait() returning true', async () => {
    const cond = new Condition();
    const ready = new Semaphore(0);
    const waiters = [0, 1, 2].map(() =>
      inWorker<boolean>('conditionWaiter', {
        cond: cond.buffer,
        lock: cond.lock.buffer,
        ready: ready.buffer,
      }),
    );
    for (let i = 0; i < 3; i++) await orFailWith(ready.acquire(), ...waiters);
    // each waiter announced itself while holding the lock, so it is waiting once we hold it
    await cond.acquire();
    cond.notify(2);
    cond.release();
    let settled = 0;
    for (const w of waiters) void w.then(() => settled++);
    await Promise.race(waiters);
    await cond.acquire();
    cond.notify(1);
    cond.release();
    await expect(Promise.all(waiters)).resolves.toEqual([true, true, true]);
    expect(settled).toBe(3);
  });

  it('returns false from a worker wait whose timeout passes, holding the lock again', async () => {
    const cond = new Condition();
    await expect(
      inWorker('conditionWaitTimeout', { cond: cond.buffer, lock: cond.lock.buffer, timeout: 10 }),
    ).resolves.toEqual({ notified: false, ownedAfter: true });
    expect(cond.lock.locked()).toBe(false);
  });
});

describe('Condition on the main thread', () => {
  it('uses an RLock by default', () => {
    expect(new Condition().lock).toBeInstanceOf(RLock);
  });

  it('locked() reports whether its lock is held', async () => {
    const cond = new Condition();
    expect(cond.locked()).toBe(false);
    await cond.acquire();
    expect(cond.locked()).toBe(true);
    cond.release();
  });

  it('throws PAR_NOT_HELD when wait or notify is called without the lock', async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toMatchObject({ code: 'PAR_NOT_HELD' });
    expect(() => cond.notify()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
    expect(() => cond.notifyAll()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });

  it('wait() resolves false on timeout and holds the lock again', async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    await expect(cond.wait({ timeout: 1 })).resolves.toBe(false);
    expect(cond.lock.locked()).toBe(true);
    cond.release();
  });

  it('waitFor() returns the predicate value once it holds', async () => {
    const cond = new Condition();
    const box = { ready: 0 };
    await cond.acquire();
    const waiting = cond.waitFor(() => box.ready);
    // the waiter released the lock while waiting, so this acquire succeeds
    await cond.acquire();
    box.ready = 7;
    cond.notifyAll();
    cond.release();
    await expect(waiting).resolves.toBe(7);
    cond.release();
  });

  it('waitFor() returns the falsy predicate value when the timeout passes', async () => {
    const cond = new Condition();
    await cond.acquire();
    await expect(cond.waitFor(() => 0, { timeout: 1 })).resolves.toBe(0);
    cond.release();
  });

  it('restores the RLock recursion level after wait()', async () => {
    const lock = new RLock();
    const cond = new Condition(lock);
    await cond.acquire();
    await cond.acquire();
    await cond.wait(1);
    cond.release();
    expect(lock.ownedByCurrentThread()).toBe(true);
    cond.release();
    expect(lock.locked()).toBe(false);
  });
});
