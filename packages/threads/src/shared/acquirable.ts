import { done, type MaybePromise, parseWait, perform, type SharedWaitOptions } from './options.js';
import { type ReleaseHandle, toHandle } from './release-handle.js';
import { canBlock, runSync, type Steps } from './runtime.js';

/**
 * The acquire/hold family shared by `Lock`, `RLock` and `Semaphore` (and so
 * `BoundedSemaphore`): each says how to take it without waiting and how to wait
 * for it; the four ways to acquire are written once, here.
 */
export abstract class Acquirable {
  /** @internal Takes it if that needs no wait; `false` otherwise. */
  protected abstract tryAcquireNow(): boolean;

  /** @internal Waits for it, at most `timeout` ms (Infinity: no limit). */
  protected abstract acquireSteps(timeout: number): Steps<boolean>;

  /** @internal Waits for it with no timeout, blocking this (worker) thread. */
  protected acquireBlocking(): boolean {
    return runSync(this.acquireSteps(Number.POSITIVE_INFINITY));
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
    // small enough for V8 to inline into a caller's loop; waiting is out of line
    if (options === undefined && this.tryAcquireNow()) return done();
    return this.#acquireWaiting(options);
  }

  #acquireWaiting(options: SharedWaitOptions | number | undefined): MaybePromise<boolean> {
    // a worker's plain acquire() waits without parsing options (the contended hot path)
    if (options === undefined && canBlock()) return this.acquireBlocking();
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this.acquireSteps(timeout), signal };
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
    if (options === undefined && this.tryAcquireNow()) return done(true) as Promise<boolean>;
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this.acquireSteps(timeout), signal };
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
