import { Barrier, Condition, Event, Lock, RLock, Semaphore, ThreadPool } from '@par/threads';
import { afterAll, describe, expect, it } from 'vitest';

// One worker running two tasks at once: a blocking wait in one task would stop
// the other, so these tasks use the …Async forms.
const pool = new ThreadPool({ maxWorkers: 1, concurrentTasksPerWorker: 2 });

afterAll(() => pool.terminate());

describe('…Async forms inside workers', () => {
  it('let two tasks on one worker wait for each other without blocking it', async () => {
    const first = new Event();
    const second = new Event();
    const a = pool.run(
      async (mine: Event, theirs: Event) => {
        await mine.waitAsync();
        theirs.set();
        return 'a';
      },
      first,
      second,
    );
    const b = pool.run(
      async (theirs: Event, mine: Event) => {
        theirs.set();
        return (await mine.waitAsync()) ? 'b' : 'timed out';
      },
      first,
      second,
    );
    await expect(Promise.all([a, b])).resolves.toEqual(['a', 'b']);
  });

  it('hand a Lock between two tasks on one worker', async () => {
    const lock = new Lock();
    const held = new Event();
    const holder = pool.run(
      async (l: Lock, h: Event) => {
        await l.acquireAsync();
        h.set();
        await new Promise((resolve) => setTimeout(resolve, 1));
        l.release();
        return true;
      },
      lock,
      held,
    );
    const waiter = pool.run(
      async (l: Lock, h: Event) => {
        await h.waitAsync();
        const got = await l.acquireAsync({ timeout: 10_000 });
        l.release();
        return got;
      },
      lock,
      held,
    );
    await expect(Promise.all([holder, waiter])).resolves.toEqual([true, true]);
  });
});

describe('…Async forms on the main thread', () => {
  it('return promises like the plain forms', async () => {
    const lock = new Lock();
    await expect(lock.acquireAsync()).resolves.toBe(true);
    await expect(lock.acquireAsync({ timeout: 0 })).resolves.toBe(false);
    lock.release();
    const handle = await new RLock().holdAsync();
    handle.release();
    const sem = new Semaphore(1);
    {
      using _held = await sem.holdAsync();
      expect(sem.value).toBe(0);
    }
    expect(sem.value).toBe(1);
    await expect(new Barrier(1).waitAsync()).resolves.toBe(0);
    const cond = new Condition();
    await cond.acquireAsync();
    await expect(cond.waitAsync(1)).resolves.toBe(false);
    await expect(cond.waitForAsync(() => 'ready')).resolves.toBe('ready');
    cond.release();
  });
});
