import { Deque } from './deque.js';
import { TimeoutError } from './errors.js';
import { type AcquireOptions, rejectTimeout } from './lock.js';
import { overReleaseError } from './release-errors.js';
import { type ReleaseHandle, releaseHandle } from './release-handle.js';
import { validateInteger } from './validate.js';
import { parseWaitOptions, Waiter } from './waiter.js';

/**
 * A counting semaphore (`asyncio.Semaphore`): `acquire()` takes one unit of
 * `value`, waiting while it is 0; `release()` gives one back. Waiters are woken in
 * FIFO order and a newcomer never takes a unit ahead of them.
 *
 * @example
 * ```ts
 * const sem = new Semaphore(3); // at most 3 downloads at once
 * await Promise.all(urls.map(async (url) => {
 *   using _ = await sem.acquire();
 *   return download(url);
 * }));
 * ```
 */
export class Semaphore {
  #value: number;
  #waiters = new Deque<Waiter<ReleaseHandle>>();

  /**
   * @param value the initial number of units, an integer >= 0.
   * @default 1
   */
  constructor(value = 1) {
    this.#value = validateInteger('value', value, { min: 0 });
  }

  /** Units available right now. */
  get value(): number {
    return this.#value;
  }

  /** How many acquires are waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** `true` when an `acquire()` would wait (Python's `Semaphore.locked()`). */
  locked(): boolean {
    return this.#value === 0 || this.#waiters.length > 0;
  }

  /**
   * Takes one unit, waiting while none is free, and resolves to a handle that gives
   * it back (usable with `using`). Aborting or timing out (`TimeoutError`) leaves the queue.
   *
   * @example
   * ```ts
   * using _ = await sem.acquire({ timeout: 500 });
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
    if (this.#value > 0 && this.#waiters.length === 0) {
      this.#value--;
      return Promise.resolve(releaseHandle(this));
    }
    if (parsed.timeout === 0) {
      return Promise.reject(new TimeoutError('Timed out waiting to acquire'));
    }
    return new Waiter(this.#waiters, parsed.signal, parsed.timeout, rejectTimeout).promise;
  }

  /** Takes a unit if one is free and nobody waits; `undefined` otherwise. */
  tryAcquire(): ReleaseHandle | undefined {
    if (this.#value === 0 || this.#waiters.length > 0) return undefined;
    this.#value--;
    return releaseHandle(this);
  }

  /** Gives back one unit, waking the first waiter (if any) with it. */
  release(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#value++;
    else next.resolve(releaseHandle(this));
  }

  /** @internal for BoundedSemaphore */
  protected get hasWaiters(): boolean {
    return this.#waiters.length > 0;
  }
}

/**
 * A {@link Semaphore} that throws when released more often than acquired
 * (`asyncio.BoundedSemaphore`), which catches release bugs early.
 *
 * @example
 * ```ts
 * const sem = new BoundedSemaphore(2);
 * sem.release(); // RangeError (code PAR_OVER_RELEASE): released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  readonly #bound: number;

  /**
   * @param value the initial and maximum number of units, an integer >= 0.
   * @default 1
   */
  constructor(value = 1) {
    super(value);
    this.#bound = value;
  }

  /**
   * Gives back one unit; when that would exceed the initial value it throws a
   * `RangeError` with code `PAR_OVER_RELEASE` (Python's `ValueError`).
   */
  override release(): void {
    if (!this.hasWaiters && this.value >= this.#bound) {
      throw overReleaseError(`BoundedSemaphore released too many times (bound ${this.#bound})`);
    }
    super.release();
  }
}
