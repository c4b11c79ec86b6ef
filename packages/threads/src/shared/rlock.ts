import { Acquirable } from './acquirable.js';
import {
  allocate,
  checkBuffer,
  kAcquireRestore,
  kIsOwned,
  kReleaseSave,
  kToState,
} from './internal.js';
import { lockSteps, unlock } from './mutex.js';
import { registerPrimitive } from './registry.js';
import { notHeld } from './release-handle.js';
import { currentThreadId, type Steps } from './runtime.js';
import type { SharedState } from './serialize.js';

// Int32 words: the mutex, the owner thread's id (0 = none), the recursion count.
const MUTEX = 0;
const OWNER = 1;
const COUNT = 2;
const BYTES = 12;
let adopted: SharedArrayBuffer | undefined;

/**
 * `threading.RLock`: a reentrant lock shared by worker threads. The thread that
 * holds it may acquire it again; it is free once released as many times. Only
 * the owner thread may release it.
 *
 * On the main thread `acquire()` returns a promise; all async code on the main
 * thread is one thread, so it counts as one owner (as coroutines do in Python).
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
export class RLock extends Acquirable {
  /** The shared state; `RLock.fromShared(buffer)` rebuilds the same lock in another thread. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'RLock', buffer: this.buffer };
  }

  constructor() {
    super();
    registerRLock();
    this.buffer = adopted ?? allocate(BYTES);
    this.#i32 = new Int32Array(this.buffer, 0, 3);
  }

  /** The lock whose state is `buffer` (from `rlock.buffer` in another thread). */
  static fromShared(buffer: SharedArrayBuffer): RLock {
    adopted = checkBuffer('RLock', buffer, BYTES);
    try {
      return new RLock();
    } finally {
      adopted = undefined;
    }
  }

  /**
   * Releases one level of ownership. Throws a `ParError` (code `PAR_NOT_HELD`)
   * when this thread does not hold the lock.
   */
  release(): void {
    if (!this.#owned()) throw notHeld('Cannot release an RLock this thread does not hold');
    const count = this.#i32[COUNT] as number;
    if (count > 1) {
      this.#i32[COUNT] = count - 1;
      return;
    }
    this.#i32[COUNT] = 0;
    Atomics.store(this.#i32, OWNER, 0);
    unlock(this.#i32, MUTEX);
  }

  /** Whether some thread holds the lock. */
  locked(): boolean {
    return Atomics.load(this.#i32, MUTEX) !== 0;
  }

  /** Whether this thread holds the lock. */
  ownedByCurrentThread(): boolean {
    return this.#owned();
  }

  /** @internal Again if this thread holds it, or when it is free. */
  protected tryAcquireNow(): boolean {
    const me = currentThreadId();
    if (Atomics.load(this.#i32, OWNER) === me) {
      this.#i32[COUNT] = (this.#i32[COUNT] as number) + 1;
      return true;
    }
    if (Atomics.compareExchange(this.#i32, MUTEX, 0, 1) !== 0) return false;
    Atomics.store(this.#i32, OWNER, me);
    this.#i32[COUNT] = 1;
    return true;
  }

  #owned(): boolean {
    return Atomics.load(this.#i32, OWNER) === currentThreadId();
  }

  /** @internal */
  protected *acquireSteps(timeout: number): Steps<boolean> {
    if (this.#owned()) {
      this.#i32[COUNT] = (this.#i32[COUNT] as number) + 1;
      return true;
    }
    if (!(yield* lockSteps(this.#i32, MUTEX, timeout))) return false;
    Atomics.store(this.#i32, OWNER, currentThreadId());
    this.#i32[COUNT] = 1;
    return true;
  }

  /** @internal */
  [kIsOwned](): boolean {
    return this.#owned();
  }

  /** @internal Releases every level at once; returns the count to restore. */
  [kReleaseSave](): number {
    if (!this.#owned()) throw notHeld('Cannot release an RLock this thread does not hold');
    const count = this.#i32[COUNT] as number;
    this.#i32[COUNT] = 0;
    Atomics.store(this.#i32, OWNER, 0);
    unlock(this.#i32, MUTEX);
    return count;
  }

  /** @internal */
  *[kAcquireRestore](saved: number): Steps<void> {
    yield* lockSteps(this.#i32, MUTEX, Number.POSITIVE_INFINITY);
    Atomics.store(this.#i32, OWNER, currentThreadId());
    this.#i32[COUNT] = saved;
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
