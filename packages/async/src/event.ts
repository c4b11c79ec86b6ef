import { Deque } from './deque.js';
import { parseWaitOptions, Waiter, type WaitOptions } from './waiter.js';

function resolveFalse(waiter: Waiter<boolean>): void {
  waiter.resolve(false);
}

/**
 * A flag tasks can wait for (`asyncio.Event`): `set()` wakes every waiter, in the
 * order they started waiting; `clear()` resets the flag.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * setTimeout(() => ready.set(), 100);
 * if (await ready.wait({ timeout: 1000 })) console.log('ready');
 * ```
 */
export class Event {
  #flag = false;
  #waiters = new Deque<Waiter<boolean>>();

  /** `true` once `set()` was called and until `clear()`. */
  isSet(): boolean {
    return this.#flag;
  }

  /** How many `wait()` calls are waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Sets the flag and wakes every waiter (they resolve `true`). */
  set(): void {
    this.#flag = true;
    for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.resolve(true);
  }

  /** Resets the flag; later `wait()` calls wait again. */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Resolves to the flag: `true` at once when set, or when `set()` is called; `false`
   * when `timeout` ms pass first (Python's `threading.Event.wait(timeout)`
   * semantics — a timeout is an answer, not an error). Aborting rejects with
   * `signal.reason`.
   *
   * @example
   * ```ts
   * const ok = await event.wait({ timeout: 500 }); // false after 500 ms if nobody set it
   * ```
   */
  wait(options?: WaitOptions): Promise<boolean> {
    let parsed: ReturnType<typeof parseWaitOptions>;
    try {
      parsed = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (parsed.signal?.aborted) return Promise.reject(parsed.signal.reason);
    if (this.#flag) return Promise.resolve(true);
    if (parsed.timeout === 0) return Promise.resolve(false);
    return new Waiter(this.#waiters, parsed.signal, parsed.timeout, resolveFalse).promise;
  }
}
