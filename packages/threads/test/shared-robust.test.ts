import { BrokenBarrierError } from '@par/async';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Lock,
  RLock,
  Semaphore,
  Thread,
  ThreadPool,
  tasks,
  Value,
  WorkerCrashedError,
} from '../dist/index.js';
import { latch, reached, release, until } from './pool-helpers.js';

type Tasks = typeof import('./fixtures/robust-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/robust-tasks.mjs', import.meta.url));

let pool: ThreadPool;
afterEach(() => pool?.terminate());

function newPool(maxWorkers = 2): ThreadPool {
  pool = new ThreadPool({ maxWorkers });
  return pool;
}

/** Runs `acquireThenExit` and resolves once the worker holds the primitive; `die()` lets it exit. */
async function heldByDoomedWorker(
  p: ThreadPool,
  primitive: Lock | RLock | Semaphore | Condition,
  times = 1,
): Promise<{ die: () => Promise<unknown> }> {
  const l = latch();
  const crashed = p.run(t.acquireThenExit, primitive, l, times).catch((error: unknown) => error);
  await reached(l, 0);
  return {
    die: async () => {
      release(l);
      const error = await crashed;
      expect(error).toBeInstanceOf(WorkerCrashedError);
      return error;
    },
  };
}

describe('a Lock whose holder dies', () => {
  it('goes to a main-thread waiter, with ownerDied true until it is released', async () => {
    const p = newPool();
    const lock = new Lock();
    const { die } = await heldByDoomedWorker(p, lock);
    expect(lock.ownerDied).toBe(false);
    const acquired = lock.acquire();
    await die();
    await expect(acquired).resolves.toBe(true);
    expect(lock.locked()).toBe(true);
    expect(lock.ownerDied).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
    expect(lock.ownerDied).toBe(false);
  });

  it('goes to a waiting task, and pool.close() resolves', async () => {
    const p = newPool();
    const lock = new Lock();
    const { die } = await heldByDoomedWorker(p, lock);
    const waiter = p.run(t.ownerDiedOnAcquire, lock);
    await die();
    await expect(waiter).resolves.toBe(true);
    await p.close();
    expect(lock.locked()).toBe(false);
  });

  it('is freed when the pool kills its holder for an abort', async () => {
    const p = new ThreadPool({ maxWorkers: 1, gracePeriod: 0 });
    pool = p;
    const lock = new Lock();
    const l = latch();
    const controller = new AbortController();
    const hanging = p.run({
      task: t.acquireThenHang,
      args: [lock, l],
      signal: controller.signal,
    });
    await reached(l, 0);
    controller.abort();
    await expect(hanging).rejects.toThrow();
    await expect(lock.acquire()).resolves.toBe(true);
    expect(lock.ownerDied).toBe(true);
    lock.release();
  });

  it('is freed when pool.terminate() stops its holder', async () => {
    const p = newPool(1);
    const lock = new Lock();
    const l = latch();
    const hanging = p.run(t.acquireThenHang, lock, l).catch((error: unknown) => error);
    await reached(l, 0);
    await p.terminate();
    expect(await hanging).toBeInstanceOf(Error);
    expect(lock.locked()).toBe(false);
    expect(lock.ownerDied).toBe(true);
  });

  it('stays held when its holder is retired idle (another thread may release a Lock)', async () => {
    const p = newPool(1);
    const lock = new Lock();
    await expect(p.run(t.acquireAndReturn, lock)).resolves.toBe(true);
    await p.close();
    expect(lock.locked()).toBe(true);
    lock.release();
  });

  it('held by the main thread is untouched when a worker that received it dies', async () => {
    const p = newPool(1);
    const lock = new Lock();
    await lock.acquire();
    const l = latch();
    const crashed = p.run(t.acquireThenExit, new Lock(), l, 1, lock);
    await reached(l, 0);
    release(l);
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(lock.locked()).toBe(true);
    expect(lock.ownerDied).toBe(false);
    lock.release();
  });

  it('is freed when a Thread dies holding it', async () => {
    const lock = new Lock();
    const l = latch();
    const thread = new Thread(t.acquireThenExit, { args: [lock, l] });
    thread.start();
    await reached(l, 0);
    release(l);
    await expect(thread.join()).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(lock.acquire()).resolves.toBe(true);
    expect(lock.ownerDied).toBe(true);
    lock.release();
  });
});

describe('an RLock whose holder dies', () => {
  it('goes to the next holder at depth 1, whatever depth the dead one held', async () => {
    const p = newPool();
    const rlock = new RLock();
    const { die } = await heldByDoomedWorker(p, rlock, 3);
    const acquired = rlock.acquire();
    await die();
    await expect(acquired).resolves.toBe(true);
    expect(rlock.ownedByCurrentThread()).toBe(true);
    expect(rlock.ownerDied).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(false);
    expect(rlock.ownerDied).toBe(false);
  });

  it('is freed even when its holder is retired idle (no other thread could release it)', async () => {
    const p = newPool(1);
    const rlock = new RLock();
    await expect(p.run(t.acquireAndReturn, rlock)).resolves.toBe(true);
    expect(rlock.locked()).toBe(true);
    await p.close();
    expect(rlock.locked()).toBe(false);
    await expect(rlock.acquire()).resolves.toBe(true);
    expect(rlock.ownerDied).toBe(true);
    rlock.release();
  });

  it('inside a Value is freed too', async () => {
    const p = newPool(1);
    const value = new Value('i32', 0);
    const { die } = await heldByDoomedWorker(p, value.getLock() as RLock);
    // the dead worker also knew the Value itself
    await die();
    await expect(value.getLock().acquire()).resolves.toBe(true);
    expect(value.getLock().ownerDied).toBe(true);
    value.getLock().release();
  });
});

describe('a Semaphore whose holder dies', () => {
  it('gets the permits the dead worker held back, waking a waiter', async () => {
    const p = newPool();
    const sem = new Semaphore(2);
    const { die } = await heldByDoomedWorker(p, sem, 2);
    expect(sem.value).toBe(0);
    const acquired = sem.acquire();
    await die();
    await expect(acquired).resolves.toBe(true);
    expect(sem.value).toBe(1);
    sem.release();
    expect(sem.value).toBe(2);
    await p.close();
  });

  it('keeps permits a worker the pool retired idle still holds', async () => {
    const p = newPool(1);
    const sem = new Semaphore(2);
    await expect(p.run(t.acquireAndReturn, sem)).resolves.toBe(true);
    await p.close();
    expect(sem.value).toBe(1);
  });

  it('never goes above the bound of a BoundedSemaphore', async () => {
    const p = newPool();
    const sem = new BoundedSemaphore(1);
    const { die } = await heldByDoomedWorker(p, sem);
    // another thread releases the permit for the worker before it dies
    sem.release();
    await die();
    expect(sem.value).toBe(1);
  });
});

describe('a Barrier one of whose parties dies', () => {
  it('breaks: the waiters get BrokenBarrierError and pool.close() resolves', async () => {
    const p = newPool(2);
    const barrier = new Barrier(3);
    const mainWait = barrier.wait();
    const crashed = p.run(t.waitAtBarrierThenExit, barrier);
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(mainWait).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    await expect(p.run(t.barrierWaitOutcome, barrier)).resolves.toEqual({
      name: 'BrokenBarrierError',
      code: 'PAR_BROKEN_BARRIER',
    });
    await p.close();
  });

  it('breaks, and is usable again after reset(), when a worker dies inside its guard', async () => {
    const p = newPool(1);
    const barrier = new Barrier(2);
    await expect(p.run(t.dieInsideBarrierGuard, barrier)).rejects.toBeInstanceOf(
      WorkerCrashedError,
    );
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    barrier.reset();
    const theirs = p.run(t.barrierWaitOutcome, barrier);
    const mine = await barrier.wait();
    expect([mine, ((await theirs) as { index: number }).index].sort()).toEqual([0, 1]);
  });

  it('is not broken by a worker that passed it and then died', async () => {
    const p = newPool(1);
    const barrier = new Barrier(2);
    // the worker arrives first, so it is recorded as waiting in that round
    const theirs = p.run(t.barrierWaitOutcome, barrier);
    await until(() => barrier.nWaiting === 1);
    await expect(barrier.wait()).resolves.toBe(1);
    await expect(theirs).resolves.toEqual({ index: 0 });
    // the next round has begun when the worker that passed the last one dies
    const next = barrier.wait();
    const { die } = await heldByDoomedWorker(p, new Lock());
    await die();
    expect(barrier.broken).toBe(false);
    await expect(p.run(t.barrierWaitOutcome, barrier)).resolves.toHaveProperty('index');
    await expect(next).resolves.toBeTypeOf('number');
  });
});

describe('a Condition over a lock whose holder dies', () => {
  it('hands the lock back to a waiter with ownerDied set', async () => {
    const p = newPool(1);
    const cond = new Condition();
    await cond.acquire();
    // wait() gives the lock up before the task can take it
    const waiting = cond.wait();
    const crashed = p.run(t.notifyThenExit, cond);
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(waiting).resolves.toBe(true);
    expect(cond.ownerDied).toBe(true);
    cond.release();
    expect(cond.ownerDied).toBe(false);
  });

  it('goes to a plain acquire() with ownerDied set', async () => {
    const p = newPool(1);
    const cond = new Condition(new Lock());
    const { die } = await heldByDoomedWorker(p, cond);
    const acquired = cond.acquire();
    await die();
    await expect(acquired).resolves.toBe(true);
    expect(cond.ownerDied).toBe(true);
    cond.release();
  });
});
