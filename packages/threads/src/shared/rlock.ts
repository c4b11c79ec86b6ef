import { kAcquireSteps, kTryAcquire } from './acquirable.js';
import { kIsOwned, kReleaseSave } from './internal.js';
import { adoptLock, OwnedLock } from './owned-lock.js';
import { registerPrimitive } from './registry.js';
import { notHeld } from './release-handle.js';
import type { Steps } from './runtime.js';

/**
 * `threading.RLock`: a reentrant lock shared by worker threads. The thread that
 * holds it may acquire it again; it is free once released as many times. Only
 * the owner thread may release it.
 *
 * On the main thread `acquire()` returns a promise; all async code on the main
 * thread is one thread, so it counts as one owner (as coroutines do in Python).
 *
 * Robust: when a pool's worker thread ends while it holds the lock (however it
 * ends: no other thread could release it), the pool frees it; the next
 * `acquire()` succeeds and `ownerDied` is `true` until that holder releases.
 *
 * @example
 * ```ts
 * // in a worker thread
 * rlock.acquire();
 * rlock.acquire(); // same thread: does not deadlock
 * rlock.release();
 * rlock.release();
 * ```
 */
export class RLock extends OwnedLock {
  constructor() {
    super('RLock');
    registerRLock();
  }

  /**
   * The lock whose state is `buffer` (from `lock.buffer` in another thread).
   *
   * @example
   * ```ts
   * const same = RLock.fromShared(lock.buffer);
   * ```
   */
  static fromShared(buffer: SharedArrayBuffer): RLock {
    return adoptLock('RLock', buffer, () => new RLock());
  }

  /**
   * Releases one level of ownership. Throws a `ParError` (code `PAR_NOT_HELD`)
   * when this thread does not hold the lock.
   */
  release(): void {
    if (!this.heldHere()) throw notHeld('Cannot release an RLock this thread does not hold');
    if (this.count > 1) this.count -= 1;
    else this.#free();
  }

  /** Whether this thread holds the lock. */
  ownedByCurrentThread(): boolean {
    return this.heldHere();
  }

  /** @internal Again if this thread holds it, or when it is free. */
  [kTryAcquire](): boolean {
    if (this.heldHere()) this.count += 1;
    else if (this.tryLock()) this.count = 1;
    else return false;
    return true;
  }

  /** @internal */
  *[kAcquireSteps](timeout: number): Steps<boolean> {
    if (this.heldHere()) {
      this.count += 1;
      return true;
    }
    if (!(yield* this.lockSteps(timeout))) return false;
    this.count = 1;
    return true;
  }

  /** @internal */
  [kIsOwned](): boolean {
    return this.heldHere();
  }

  /** @internal Releases every level at once; returns the count to restore. */
  [kReleaseSave](): number {
    if (!this.heldHere()) throw notHeld('Cannot release an RLock this thread does not hold');
    const count = this.count;
    this.#free();
    return count;
  }

  #free(): void {
    this.count = 0;
    this.unlock();
  }
}

/**
 * Registers the decoder of `RLock` (and, once, the shared transfer handlers), so a
 * RLock passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerRLock(): void {
  registerPrimitive('RLock', (state) => RLock.fromShared(state.buffer));
}
