import {
  allocate,
  checkBuffer,
  kAcquireRestore,
  kIsOwned,
  kReleaseSave,
  kToState,
} from './internal.js';
import { lockSteps, unlock } from './mutex.js';
import { done, type MaybePromise, parseWait, perform, type WaitOptions } from './options.js';
import { registerPrimitive } from './registry.js';
import { notHeld, type ReleaseHandle, toHandle } from './release-handle.js';
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
export class Lock {
  /** The shared state; `Lock.fromShared(buffer)` rebuilds the same lock in another thread. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Lock', buffer: this.buffer };
  }

  constructor() {
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

  /**
   * Acquires the lock: `true` once held, `false` if `timeout` passed first.
   * Blocking in a worker thread; a promise on the main thread. A bare number is
   * taken as the timeout (`acquire(50)`).
   *
   * @example
   * ```ts
   * if (lock.acquire({ timeout: 100 })) {
   *   try { work(); } finally { lock.release(); }
   * }
   * ```
   */
  acquire(options?: WaitOptions | number): MaybePromise<boolean> {
    if (options === undefined && Atomics.compareExchange(this.#i32, 0, 0, 1) === 0) return done();
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: lockSteps(this.#i32, 0, timeout), signal };
    });
  }

  /**
   * The promise form of `acquire()` in every thread: waits with Atomics.waitAsync,
   * so a worker's event loop keeps running (use it in async tasks, and when a
   * worker runs several tasks at once with `concurrentTasksPerWorker`).
   */
  acquireAsync(options?: WaitOptions | number): Promise<boolean> {
    if (options === undefined && Atomics.compareExchange(this.#i32, 0, 0, 1) === 0)
      return done(true) as Promise<boolean>;
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: lockSteps(this.#i32, 0, timeout), signal };
    }, true) as Promise<boolean>;
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed,
   * for `using`; a `timeout` that passes throws (rejects with) `TimeoutError`.
   *
   * @example
   * ```ts
   * using _held = lock.hold(); // in a worker
   * // main thread: using _held = await lock.hold();
   * ```
   */
  hold(options?: WaitOptions | number): MaybePromise<ReleaseHandle> {
    const handle = (ok: boolean) => toHandle(ok, 'Lock', () => this.release());
    const acquired = this.acquire(options);
    return typeof acquired === 'boolean' ? handle(acquired) : acquired.then(handle);
  }
  /** The promise form of `hold()` in every thread. */
  async holdAsync(options?: WaitOptions | number): Promise<ReleaseHandle> {
    return toHandle(await this.acquireAsync(options), 'Lock', () => this.release());
  }

  /**
   * Releases the lock. Any thread may release it; releasing an unlocked lock
   * throws a `ParError` with code `PAR_NOT_HELD` (Python's RuntimeError).
   */
  release(): void {
    if (!unlock(this.#i32, 0)) throw notHeld('Cannot release an unlocked Lock');
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
