import { done, type MaybePromise, parseWait, perform, type SharedWaitOptions } from './options.js';
import { type ReleaseHandle, toHandle } from './release-handle.js';
import { canBlock, runSync, type Steps } from './runtime.js';

/** Takes it if that needs no wait (symbol-keyed, so Condition can reach its lock's). */
export const kTryAcquire: unique symbol = Symbol('par.tryAcquire');
/** Waits for it, at most `timeout` ms (Infinity: no limit). */
export const kAcquireSteps: unique symbol = Symbol('par.acquireSteps');
/** Waits for it without a limit, blocking this thread. */
export const kAcquireBlocking: unique symbol = Symbol('par.acquireBlocking');

/**
 * The acquire/hold family shared by `Lock`, `RLock`, `Semaphore` (and so
 * `BoundedSemaphore`) and `Condition` (through its lock): each says how to take
 * it without waiting and how to wait for it; the four ways to acquire are
 * written once, here.
 */
export abstract class Acquirable {
  /** @internal Takes it if that needs no wait; `false` otherwise. */
  abstract [kTryAcquire](): boolean;

  /** @internal Waits for it, at most `timeout` ms (Infinity: no limit). */
  abstract [kAcquireSteps](timeout: number): Steps<boolean>;

  /**
   * @internal Waits for it without a limit, blocking this thread: the plain
   * `acquire()` of a worker thread whose first try failed, which is frequent
   * when threads contend, so a primitive may override it with a loop that
   * allocates nothing.
   */
  [kAcquireBlocking](): boolean {
    return runSync(this[kAcquireSteps](Number.POSITIVE_INFINITY));
  }

  /** Releases what one acquire took. */
  abstract release(): void;

  /**
   * Acquires: `true` once acquired, `false` if `timeout` passed first (Python's
   * `acquire(timeout=...)`). Blocking in a worker thread (Atomics.wait); a
   * promise on the main thread, which must never block. A bare number is taken
   * as the timeout (`acquire(50)`).
   *
   * @example
   * ```ts
   * if (lock.acquire({ timeout: 100 })) {
   *   try { work(); } finally { lock.release(); }
   * }
   * ```
   */
  acquire(options?: SharedWaitOptions | number): MaybePromise<boolean> {
    // the plain acquire of a worker thread, kept this small so that it is inlined into
    // a hot loop; every other form is a separate function (a closure here would not be)
    if (options === undefined && canBlock()) return this[kTryAcquire]() || this[kAcquireBlocking]();
    return this.#acquireOther(options);
  }

  #acquireOther(options: SharedWaitOptions | number | undefined): MaybePromise<boolean> {
    if (options === undefined && this[kTryAcquire]()) return done();
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this[kAcquireSteps](timeout), signal };
    });
  }

  /**
   * The promise form of `acquire()` in every thread: waits with Atomics.waitAsync,
   * so a worker's event loop keeps running (use it in async tasks, and when a
   * worker runs several tasks at once with `concurrentTasksPerWorker`).
   *
   * @example
   * ```ts
   * if (await lock.acquireAsync({ timeout: 100 })) lock.release();
   * ```
   */
  acquireAsync(options?: SharedWaitOptions | number): Promise<boolean> {
    if (options === undefined && this[kTryAcquire]()) return done(true) as Promise<boolean>;
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this[kAcquireSteps](timeout), signal };
    }, true) as Promise<boolean>;
  }

  /**
   * Acquires and returns a handle that releases once when disposed, for `using`;
   * a `timeout` that passes throws (rejects with) `TimeoutError`.
   *
   * @example
   * ```ts
   * using _held = lock.hold(); // in a worker
   * // main thread: using _held = await lock.hold();
   * ```
   */
  hold(options?: SharedWaitOptions | number): MaybePromise<ReleaseHandle> {
    const acquired = this.acquire(options);
    return typeof acquired === 'boolean'
      ? this.#handle(acquired)
      : acquired.then((ok) => this.#handle(ok));
  }

  /**
   * The promise form of `hold()` in every thread.
   *
   * @example
   * ```ts
   * using _held = await lock.holdAsync();
   * ```
   */
  async holdAsync(options?: SharedWaitOptions | number): Promise<ReleaseHandle> {
    return this.#handle(await this.acquireAsync(options));
  }

  #handle(acquired: boolean): ReleaseHandle {
    return toHandle(acquired, this.constructor.name, () => this.release());
  }
}
