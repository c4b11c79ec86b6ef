import { describe, expect, it } from 'vitest';
import { Barrier, Lock, RLock } from '../src/index.js';
import { inWorker, orFailWith } from './shared-helpers.js';

function counter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

describe('Lock across worker threads', () => {
  it('keeps read-modify-write updates from several workers exact', async () => {
    const lock = new Lock();
    const shared = counter();
    const workers = 4;
    const iterations = 2000;
    await Promise.all(
      Array.from({ length: workers }, () =>
        inWorker('lockedIncrements', { lock: lock.buffer, counter: shared, iterations }),
      ),
    );
    expect(shared[0]).toBe(workers * iterations);
    expect(lock.locked()).toBe(false);
  });

  it('loses updates without the lock when reads and writes interleave', async () => {
    const barrier = new Barrier(3);
    const shared = counter();
    const reads = await Promise.all(
      Array.from({ length: 3 }, () =>
        inWorker('unlockedIncrement', { barrier: barrier.buffer, counter: shared }),
      ),
    );
    // every worker read 0 before any wrote, so two of the three increments are lost
    expect(reads).toEqual([0, 0, 0]);
    expect(shared[0]).toBe(1);
  });

  it('serialises the same interleaved increments when they hold the lock', async () => {
    const barrier = new Barrier(3);
    const lock = new Lock();
    const shared = counter();
    const reads = await Promise.all(
      Array.from({ length: 3 }, () =>
        inWorker<number>('lockedIncrementAfterBarrier', {
          barrier: barrier.buffer,
          lock: lock.buffer,
          counter: shared,
        }),
      ),
    );
    expect(reads.sort()).toEqual([0, 1, 2]);
    expect(shared[0]).toBe(3);
  });

  it('returns false from a worker acquire whose timeout passes while another thread holds it', async () => {
    const lock = new Lock();
    expect(await lock.acquire()).toBe(true);
    await expect(
      inWorker('acquireWithTimeout', { kind: 'Lock', buffer: lock.buffer, timeout: 20 }),
    ).resolves.toBe(false);
    lock.release();
  });

  it('throws TimeoutError from hold() in a worker when the timeout passes', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(inWorker('holdWithTimeout', { buffer: lock.buffer, timeout: 10 })).resolves.toBe(
      'TimeoutError',
    );
    lock.release();
  });

  it('answers false at once for a non-blocking acquire of a held lock', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(inWorker('tryAcquire', { buffer: lock.buffer })).resolves.toBe(false);
    lock.release();
    await expect(inWorker('tryAcquire', { buffer: lock.buffer })).resolves.toBe(true);
  });

  it('may be released by another thread than the one that acquired it', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(inWorker('releaseLock', { buffer: lock.buffer })).resolves.toBe(true);
    expect(lock.locked()).toBe(false);
  });

  it('wakes a main-thread acquire when a worker releases the lock', async () => {
    const lock = new Lock();
    await lock.acquire();
    const waiting = lock.acquire();
    expect(waiting).toBeInstanceOf(Promise);
    await inWorker('releaseLock', { buffer: lock.buffer });
    await expect(waiting).resolves.toBe(true);
    expect(lock.locked()).toBe(true);
  });
});

describe('Lock on the main thread', () => {
  it('returns promises from acquire() so the event loop never blocks', async () => {
    const lock = new Lock();
    const first = lock.acquire();
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBe(true);
    expect(lock.locked()).toBe(true);
  });

  it('resolves a waiting acquire once the holder releases', async () => {
    const lock = new Lock();
    await lock.acquire();
    let acquired = false;
    const waiting = Promise.resolve(lock.acquire()).then((ok) => {
      acquired = ok;
    });
    await Promise.resolve();
    expect(acquired).toBe(false);
    lock.release();
    await waiting;
    expect(acquired).toBe(true);
  });

  it('resolves false when the timeout passes', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(lock.acquire({ timeout: 5 })).resolves.toBe(false);
    await expect(lock.acquire(0)).resolves.toBe(false);
  });

  it('rejects with the signal reason when the signal aborts, and passes a later wake-up on', async () => {
    const lock = new Lock();
    await lock.acquire();
    const controller = new AbortController();
    const reason = new Error('stop');
    const abandoned = lock.acquire({ signal: controller.signal });
    const next = lock.acquire();
    controller.abort(reason);
    await expect(abandoned).rejects.toBe(reason);
    lock.release();
    await expect(next).resolves.toBe(true);
  });

  it('rejects at once for an already aborted signal', async () => {
    const lock = new Lock();
    const reason = new Error('already');
    await expect(lock.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(lock.locked()).toBe(false);
  });

  it('throws PAR_NOT_HELD when releasing an unlocked lock', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });

  it('hold() resolves to a handle that releases once when disposed', async () => {
    const lock = new Lock();
    {
      using _held = await lock.hold();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
    const handle = await lock.hold();
    expect(handle.released).toBe(false);
    handle.release();
    handle.release();
    expect(handle.released).toBe(true);
    expect(lock.locked()).toBe(false);
    const release = await lock.hold(); // callable, like @par/async's handles
    release();
    expect(lock.locked()).toBe(false);
  });

  it('hold() rejects with TimeoutError when the timeout passes', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(lock.hold({ timeout: 1 })).rejects.toMatchObject({
      name: 'TimeoutError',
      code: 'PAR_TIMEOUT',
    });
  });

  it('is rebuilt from its buffer as the same lock', async () => {
    const lock = new Lock();
    const same = Lock.fromShared(lock.buffer);
    await lock.acquire();
    expect(same.locked()).toBe(true);
    same.release();
    expect(lock.locked()).toBe(false);
  });
});

describe('RLock', () => {
  it('lets the owner thread acquire again and counts the levels', async () => {
    const rlock = new RLock();
    await rlock.acquire();
    await rlock.acquire();
    rlock.release();
    expect(rlock.locked()).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(false);
  });

  it('belongs to the worker that holds it: others can neither release nor take it', async () => {
    const rlock = new RLock();
    const { Event } = await import('../src/index.js');
    const held = new Event();
    const go = new Event();
    const holder = inWorker<{ owned: boolean; stillLocked: boolean; lockedAfter: boolean }>(
      'rlockHolder',
      { rlock: rlock.buffer, held: held.buffer, go: go.buffer },
    );
    await orFailWith(held.wait(), holder);
    expect(rlock.ownedByCurrentThread()).toBe(false);
    expect(() => rlock.release()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
    await expect(inWorker('releaseForeignRLock', { rlock: rlock.buffer })).resolves.toBe(
      'PAR_NOT_HELD',
    );
    await expect(
      inWorker('acquireWithTimeout', { kind: 'RLock', buffer: rlock.buffer, timeout: 10 }),
    ).resolves.toBe(false);
    await expect(rlock.acquire({ timeout: 0 })).resolves.toBe(false);
    go.set();
    await expect(holder).resolves.toEqual({ owned: true, stillLocked: true, lockedAfter: false });
    await expect(rlock.acquire({ timeout: 0 })).resolves.toBe(true);
    expect(rlock.ownedByCurrentThread()).toBe(true);
  });

  it('throws PAR_NOT_HELD when released by a thread that does not hold it', () => {
    expect(() => new RLock().release()).toThrow(expect.objectContaining({ code: 'PAR_NOT_HELD' }));
  });
});
