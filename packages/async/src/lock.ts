import { Deque } from './deque.js';
import { TimeoutError } from './errors.js';
import { notHeldError } from './release-errors.js';
import { type ReleaseHandle, releaseHandle } from './release-handle.js';
import { parseWaitOptions, Waiter, type WaitOptions } from './waiter.js';

/** Options of `acquire()` on locks and semaphores. */
export type AcquireOptions = WaitOptions;

/** What a timed-out acquire does: leave the queue and reject with a TimeoutError. */
export function rejectTimeout(waiter: Waiter<ReleaseHandle>): void {
  waiter.reject(new TimeoutError('Timed out waiting to acquire'));
}

/**
 * A mutual-exclusion lock (`asyncio.Lock`): non-reentrant, FIFO — waiters get the
 * lock in the order they asked, and a newcomer never jumps ahead of them.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * {
 *   using _ = await lock.acquire({ timeout: 1000 });
 *   await writeFile(path, data);
 * }
 * ```
 */
export class Lock {
  #locked = false;
  #waiters = new Deque<Waiter<ReleaseHandle>>();

  /** `true` while someone holds the lock (Python's `Lock.locked()`). */
  locked(): boolean {
    return this.#locked;
  }

  /** How many acquires are waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Waits for the lock and resolves to a handle that releases it (usable with `using`).
   * Aborting or timing out (rejects `TimeoutError`) removes the waiter from the queue.
   *
   * @example
   * ```ts
   * const held = await lock.acquire({ signal });
   * try { await work(); } finally { held.release(); }
   * ```
   */
  acquire(options?: AcquireOptions): Promise<ReleaseHandle> {
    let parsed: ReturnType<typeof parseWaitOptions>;
    try {
      parsed = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (parsed.signal?.aborted) return Promise.reject(parsed.signal.reason);
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve(releaseHandle(this));
    }
    if (parsed.timeout === 0) {
      return Promise.reject(new TimeoutError('Timed out waiting to acquire'));
    }
    return new Waiter(this.#waiters, parsed.signal, parsed.timeout, rejectTimeout).promise;
  }

  /** Takes the lock if it is free, without waiting; `undefined` when it is held. */
  tryAcquire(): ReleaseHandle | undefined {
    if (this.#locked) return undefined;
    this.#locked = true;
    return releaseHandle(this);
  }

  /**
   * Releases the lock, handing it straight to the first waiter. Releasing an unlocked
   * lock throws a `ParError` with code `PAR_NOT_HELD`.
   */
  release(): void {
    if (!this.#locked) throw notHeldError('Cannot release a Lock that is not acquired');
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next.resolve(releaseHandle(this));
  }

  /**
   * Runs `fn` while holding the lock and releases it afterwards.
   *
   * @example
   * ```ts
   * const value = await lock.runExclusive(() => readModifyWrite());
   * ```
   */
  async runExclusive<T>(
    fn: () => T | PromiseLike<T>,
    options?: AcquireOptions,
  ): Promise<Awaited<T>> {
    const held = await this.acquire(options);
    try {
      return await fn();
    } finally {
      held.release();
    }
  }
}
