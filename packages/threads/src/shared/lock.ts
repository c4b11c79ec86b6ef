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
import type { Steps } from './runtime.js';
import type { SharedState } from './serialize.js';

const BYTES = 4;
let adopted: SharedArrayBuffer | undefined;

/**
 * `threading.Lock` across worker threads: a mutex in a SharedArrayBuffer.
 * Not reentrant; any thread may release it; releasing an unlocked lock throws.
 * Pass it to a pool task as an ordinary argument and it arrives as the same lock.
 *
 * In a worker thread `acquire()` blocks (Atomics.wait) and returns a boolean;
 * on the main thread, which must never block, it returns a promise of that boolean.
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
export class Lock extends Acquirable {
  /** The shared state; `Lock.fromShared(buffer)` rebuilds the same lock in another thread. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Lock', buffer: this.buffer };
  }

  constructor() {
    super();
    registerLock();
    this.buffer = adopted ?? allocate(BYTES);
    this.#i32 = new Int32Array(this.buffer, 0, 1);
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
    adopted = checkBuffer('Lock', buffer, BYTES);
    try {
      return new Lock();
    } finally {
      adopted = undefined;
    }
  }

  /** @internal A worker's plain `acquire()` once the lock was found taken. */
  protected override acquireBlocking(): boolean {
    // the futex loop inline: no option parsing, generator or closure per wait
    const i32 = this.#i32;
    let c = Atomics.compareExchange(i32, 0, 0, 1);
    if (c === 0) return true;
    if (c !== 2) c = Atomics.exchange(i32, 0, 2);
    while (c !== 0) {
      Atomics.wait(i32, 0, 2);
      c = Atomics.exchange(i32, 0, 2);
    }
    return true;
  }

  /**
   * Releases the lock. Any thread may release it; releasing an unlocked lock
   * throws a `ParError` with code `PAR_NOT_HELD` (Python's RuntimeError).
   */
  release(): void {
    // uncontended: one compare-exchange, inlined into the caller
    if (Atomics.compareExchange(this.#i32, 0, 1, 0) !== 1) this.#releaseSlow();
  }

  #releaseSlow(): void {
    if (!unlock(this.#i32, 0)) throw notHeld('Cannot release an unlocked Lock');
  }

  /** @internal */
  protected tryAcquireNow(): boolean {
    return Atomics.compareExchange(this.#i32, 0, 0, 1) === 0;
  }

  /** @internal */
  protected acquireSteps(timeout: number): Steps<boolean> {
    return lockSteps(this.#i32, 0, timeout);
  }

  /** Whether some thread holds the lock. */
  locked(): boolean {
    return Atomics.load(this.#i32, 0) !== 0;
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

  /** @internal */
  *[kAcquireRestore](_saved: number): Steps<void> {
    yield* lockSteps(this.#i32, 0, Number.POSITIVE_INFINITY);
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
