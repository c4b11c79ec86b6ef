import { Deque } from './deque.js';
import { type AcquireOptions, Lock } from './lock.js';
import { notHeldError } from './release-errors.js';
import type { ReleaseHandle } from './release-handle.js';
import { optionMessage, validateFunction, validateInteger } from './validate.js';
import { parseWaitOptions, Waiter, type WaitOptions } from './waiter.js';

function resolveFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

function notHeld(what: string): Error {
  return notHeldError(`Cannot ${what} a Condition whose lock is not held`);
}

/**
 * A condition variable (`asyncio.Condition`): tasks holding its lock `wait()` until
 * another task, also holding the lock, calls `notify()`. Waiters are woken FIFO and
 * re-acquire the lock before `wait()` returns.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * // consumer
 * {
 *   using _ = await cond.acquire();
 *   await cond.waitFor(() => items.length > 0);
 *   items.shift();
 * }
 * // producer
 * {
 *   using _ = await cond.acquire();
 *   items.push(x);
 *   cond.notify();
 * }
 * ```
 */
export class Condition {
  readonly #lock: Lock;
  #waiters = new Deque<Waiter<boolean>>();

  /**
   * @param lock the lock to use; several conditions may share one.
   * @default a new Lock
   */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(optionMessage('lock', 'a Lock', lock));
    }
    this.#lock = lock ?? new Lock();
  }

  /** `true` while the underlying lock is held. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /** How many tasks wait for a notification. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Acquires the underlying lock; see {@link Lock.acquire}. */
  acquire(options?: AcquireOptions): Promise<ReleaseHandle> {
    return this.#lock.acquire(options);
  }

  /** Releases the underlying lock; throws when it is not held. */
  release(): void {
    this.#lock.release();
  }

  /**
   * Releases the lock, waits for `notify()` and re-acquires the lock before resolving
   * (also when aborted or timed out, as Python does). Resolves `true` when notified,
   * `false` on timeout; rejects with `signal.reason` on abort, and rejects when the
   * lock is not held.
   *
   * @example
   * ```ts
   * using _ = await cond.acquire();
   * while (!ready) await cond.wait();
   * ```
   */
  async wait(options?: WaitOptions): Promise<boolean> {
    const { signal, timeout } = parseWaitOptions(options);
    if (!this.#lock.locked()) throw notHeld('wait on');
    if (signal?.aborted) throw signal.reason;
    this.#lock.release();
    let notified: boolean;
    try {
      notified = await new Waiter(this.#waiters, signal, timeout, resolveFalse).promise;
    } finally {
      // the caller entered holding the lock and must leave holding it, whatever happened
      await this.#lock.acquire();
    }
    return notified;
  }

  /**
   * Waits until `predicate()` is truthy and returns its value; the predicate is checked
   * with the lock held, first before waiting. With `timeout` it returns the last
   * (falsy) value once the time is up.
   *
   * @example
   * ```ts
   * using _ = await cond.acquire();
   * await cond.waitFor(() => queue.length > 0);
   * ```
   */
  async waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    validateFunction('predicate', predicate);
    const { signal, timeout } = parseWaitOptions(options);
    const deadline =
      timeout === undefined || timeout === Number.POSITIVE_INFINITY
        ? undefined
        : Date.now() + timeout;
    let result = predicate();
    while (!result) {
      const remaining = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
      if (remaining === 0) return result;
      await this.wait({ signal, timeout: remaining });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters (FIFO). Throws when the lock is not held. */
  notify(n = 1): void {
    validateInteger('n', n, { min: 0, allowInfinity: true });
    if (!this.#lock.locked()) throw notHeld('notify');
    for (let i = 0; i < n; i++) {
      const w = this.#waiters.shift();
      if (w === undefined) break;
      w.resolve(true);
    }
  }

  /** Wakes every waiter. Throws when the lock is not held. */
  notifyAll(): void {
    this.notify(this.#waiters.length);
  }
}
