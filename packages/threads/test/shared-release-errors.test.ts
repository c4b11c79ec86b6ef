// One error per mistake across @par: the shared-memory primitives throw exactly
// what @par/async's in-process ones throw, and the acquire family is written once.
import {
  BoundedSemaphore as AsyncBoundedSemaphore,
  Condition as AsyncCondition,
  Lock as AsyncLock,
  ParError,
} from '@par/async';
import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Condition, Lock, RLock, Semaphore } from '../src/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('release errors match @par/async', () => {
  it('releasing an unheld lock is a ParError PAR_NOT_HELD in both packages', () => {
    const shared = thrown(() => new Lock().release());
    const local = thrown(() => new AsyncLock().release());
    expect(shared).toBeInstanceOf(ParError);
    expect(local).toBeInstanceOf(ParError);
    expect((shared as ParError).code).toBe('PAR_NOT_HELD');
    expect((local as ParError).code).toBe((shared as ParError).code);
    expect(thrown(() => new RLock().release())).toMatchObject({ code: 'PAR_NOT_HELD' });
  });

  it('notifying a condition without its lock is PAR_NOT_HELD in both packages', () => {
    expect(thrown(() => new Condition().notify())).toMatchObject({ code: 'PAR_NOT_HELD' });
    expect(thrown(() => new AsyncCondition().notify())).toMatchObject({ code: 'PAR_NOT_HELD' });
  });

  it('over-releasing a BoundedSemaphore is a RangeError PAR_OVER_RELEASE in both packages', () => {
    const shared = thrown(() => new BoundedSemaphore(1).release());
    const local = thrown(() => new AsyncBoundedSemaphore(1).release());
    for (const error of [shared, local]) {
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ code: 'PAR_OVER_RELEASE' });
    }
  });
});

describe('the acquire family lives on one base class', () => {
  it('Lock, RLock and Semaphore share acquire, acquireAsync, hold and holdAsync', () => {
    for (const name of ['acquire', 'acquireAsync', 'hold', 'holdAsync'] as const) {
      expect(Lock.prototype[name]).toBe(Semaphore.prototype[name]);
      expect(RLock.prototype[name]).toBe(Semaphore.prototype[name]);
      expect(Object.hasOwn(Lock.prototype, name)).toBe(false);
    }
  });

  it('hold() names the primitive in its TimeoutError and releases once', async () => {
    const sem = new BoundedSemaphore(1);
    const held = await sem.hold();
    await expect(sem.hold({ timeout: 0 })).rejects.toThrow(/BoundedSemaphore/);
    expect(held.released).toBe(false);
    held();
    held.release();
    expect(held.released).toBe(true);
    expect(sem.value).toBe(1);
  });
});
