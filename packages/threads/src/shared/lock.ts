import { kAcquireBlocking, kAcquireSteps, kTryAcquire } from './acquirable.js';
import { type DeadThread, kIsOwned, kRecover, kReleaseSave } from './internal.js';
import { adoptLock, OwnedLock } from './owned-lock.js';
import { registerPrimitive } from './registry.js';
import { notHeld } from './release-handle.js';
import type { Steps } from './runtime.js';

/**
 * `threading.Lock` across worker threads: a mutex in a SharedArrayBuffer.
 * Not reentrant; any thread may release it; releasing an unlocked lock throws.
 * Pass it to a pool task as an ordinary argument and it arrives as the same lock.
 *
 * In a worker thread `acquire()` blocks (Atomics.wait) and returns a boolean;
 * on the main thread, which must never block, it returns a promise of that boolean.
 *
 * Robust: when a pool's worker dies holding the lock (it crashed, exited, or
 * was killed for a timeout, an abort or `terminate()`), the pool frees it; the
 * next `acquire()` succeeds and `ownerDied` is `true` until that holder releases.
 *
 * @example
 * ```ts
 * // tasks.js (runs in worker threads)
 * export function deposit(lock, balance, amount) {
 *   lock.acquire();
 *   try {
 *     balance[0] += amount;
 *   } finally {
 *     lock.release();
 *   }
 * }
 * // main thread
 * const lock = new Lock();
 * const balance = sharedArray(Float64Array, 1);
 * await Promise.all([1, 2, 3].map((n) => pool.run(tasks.deposit, lock, balance, n)));
 * ```
 */
export class Lock extends OwnedLock {
  constructor() {
    super('Lock');
    registerLock();
  }

  /**
   * The lock whose state is `buffer` (from `lock.buffer` in another thread).
   *
   * @example
   * ```ts
   * const same = Lock.fromShared(lock.buffer);
   * ```
   */
  static fromShared(buffer: SharedArrayBuffer): Lock {
    return adoptLock('Lock', buffer, () => new Lock());
  }

  /**
   * Releases the lock. Any thread may release it; releasing an unlocked lock
   * throws a `ParError` with code `PAR_NOT_HELD` (Python's RuntimeError).
   */
  release(): void {
    if (!this.unlock()) throw notHeld('Cannot release an unlocked Lock');
  }

  /** @internal */
  [kTryAcquire](): boolean {
    return this.tryLock();
  }

  /** @internal */
  [kAcquireSteps](timeout: number): Steps<boolean> {
    return this.lockSteps(timeout);
  }

  /** @internal */
  override [kAcquireBlocking](): boolean {
    this.lockBlocking();
    return true;
  }

  /** @internal Python's `Lock._is_owned`: a plain lock only knows that it is held. */
  [kIsOwned](): boolean {
    return this.locked();
  }

  /** @internal */
  [kReleaseSave](): number {
    this.release();
    return 0;
  }

  /**
   * @internal Only when the worker died: a worker the pool retired idle may
   * have left its Lock for another thread to release.
   */
  override [kRecover](dead: DeadThread): void {
    if (dead.interrupted) super[kRecover](dead);
  }
}

/**
 * Registers the decoder of `Lock` (and, once, the shared transfer handlers), so a
 * Lock passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerLock(): void {
  registerPrimitive('Lock', (state) => Lock.fromShared(state.buffer));
}
