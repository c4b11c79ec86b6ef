import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Event, Semaphore } from '../src/index.js';
import { inWorker } from './shared-helpers.js';

describe('Semaphore', () => {
  it('lets value holders in at once and makes the next one wait', async () => {
    const sem = new Semaphore(2);
    await expect(sem.acquire()).resolves.toBe(true);
    await expect(sem.acquire()).resolves.toBe(true);
    expect(sem.value).toBe(0);
    await expect(sem.acquire({ timeout: 0 })).resolves.toBe(false);
    const third = sem.acquire();
    sem.release();
    await expect(third).resolves.toBe(true);
  });

  it('release(n) wakes n waiters', async () => {
    const sem = new Semaphore(0);
    const waiting = [sem.acquire(), sem.acquire(), sem.acquire()];
    sem.release(3);
    await expect(Promise.all(waiting)).resolves.toEqual([true, true, true]);
    expect(sem.value).toBe(0);
  });

  it('times out a blocking acquire in a worker', async () => {
    const sem = new Semaphore(0);
    await expect(
      inWorker('acquireWithTimeout', { kind: 'Semaphore', buffer: sem.buffer, timeout: 10 }),
    ).resolves.toBe(false);
    sem.release();
    await expect(
      inWorker('acquireWithTimeout', { kind: 'Semaphore', buffer: sem.buffer, timeout: 10 }),
    ).resolves.toBe(true);
    expect(sem.value).toBe(0);
  });

  it('hold() gives back one unit when disposed', async () => {
    const sem = new Semaphore(1);
    {
      using _held = await sem.hold();
      expect(sem.value).toBe(0);
    }
    expect(sem.value).toBe(1);
  });

  it('is rebuilt from its buffer with its kind', () => {
    expect(Semaphore.fromShared(new Semaphore(3).buffer)).not.toBeInstanceOf(BoundedSemaphore);
    const bounded = Semaphore.fromShared(new BoundedSemaphore(3).buffer);
    expect(bounded).toBeInstanceOf(BoundedSemaphore);
    expect((bounded as BoundedSemaphore).bound).toBe(3);
  });
});

describe('BoundedSemaphore', () => {
  it('throws RangeError when released above its initial value', async () => {
    const sem = new BoundedSemaphore(2);
    expect(() => sem.release()).toThrow(RangeError);
    await sem.acquire();
    sem.release();
    expect(() => sem.release(1)).toThrow(RangeError);
    expect(sem.value).toBe(2);
  });

  it('throws RangeError (code PAR_OVER_RELEASE) on over-release from a worker too', async () => {
    const sem = new BoundedSemaphore(1);
    await expect(inWorker('boundedOverRelease', { buffer: sem.buffer })).resolves.toBe(
      'RangeError PAR_OVER_RELEASE',
    );
  });
});

describe('Event', () => {
  it('wakes a main-thread waiter when a worker sets it', async () => {
    const event = new Event();
    const waiting = event.wait();
    expect(waiting).toBeInstanceOf(Promise);
    await inWorker('setEvent', { event: event.buffer });
    await expect(waiting).resolves.toBe(true);
    expect(event.isSet()).toBe(true);
  });

  it('wakes worker waiters when the main thread sets it', async () => {
    const event = new Event();
    const waiters = [0, 1].map(() => inWorker('eventWait', { event: event.buffer }));
    event.set();
    await expect(Promise.all(waiters)).resolves.toEqual([true, true]);
  });

  it('returns false from a worker wait whose timeout passes', async () => {
    const event = new Event();
    await expect(inWorker('eventWait', { event: event.buffer, timeout: 10 })).resolves.toBe(false);
  });

  it('clear() makes later waits wait again', async () => {
    const event = new Event();
    event.set();
    await expect(event.wait(0)).resolves.toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
    await expect(event.wait({ timeout: 1 })).resolves.toBe(false);
  });

  it('reports true to a waiter woken by set() even if clear() follows at once', async () => {
    const event = new Event();
    const waiting = event.wait();
    event.set();
    event.clear();
    await expect(waiting).resolves.toBe(true);
  });

  it('rejects a main-thread wait with the signal reason', async () => {
    const event = new Event();
    const controller = new AbortController();
    const waiting = event.wait({ signal: controller.signal });
    controller.abort('enough');
    await expect(waiting).rejects.toBe('enough');
  });
});

describe('locked()', () => {
  it('tells whether a Semaphore would make the next acquire wait', async () => {
    const sem = new Semaphore(1);
    expect(sem.locked()).toBe(false);
    await sem.acquire();
    expect(sem.locked()).toBe(true);
    sem.release();
    expect(sem.locked()).toBe(false);
  });
});
