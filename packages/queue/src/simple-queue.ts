import type { WaitOptions } from '@par/async';
import { TimeoutError } from '@par/async';
import { brand, Deque } from '@par/async/internal';
import { QueueEmpty } from './errors.js';
import { giveBack } from './store.js';
import { type Parked, park, type Resolver, waitOptionsOrRejection, wake } from './waiter.js';

const RESOLVED: Promise<void> = Promise.resolve();

const emptyAfter = (ms: number): Error =>
  new QueueEmpty(`The queue stayed empty for ${ms} ms; no item was taken`, {
    cause: new TimeoutError(`Timed out after ${ms} ms`),
  });

/**
 * An unbounded FIFO queue without task tracking (no `taskDone`/`join`, no
 * `shutdown`): Python's `queue.SimpleQueue`. `put` never waits; `get` waits
 * for an item, serving waiting getters in the order they called `get`.
 *
 * @typeParam T - the item type.
 * @example
 * ```ts
 * const inbox = new SimpleQueue<string>();
 * inbox.putNowait('hello');
 * await inbox.get(); // 'hello'
 * ```
 */
export class SimpleQueue<T = unknown> {
  readonly #items = new Deque<T>();
  readonly #getters = new Deque<Parked<undefined, T>>();
  // the executor of a plain `get` (no signal, no timeout): parks the bare resolver
  readonly #parkGetter = (resolve: Resolver<T>): void => {
    this.#getters.push(resolve);
  };

  /**
   * The number of items queued (Python's `qsize()`).
   * @example
   * ```ts
   * inbox.size; // 0
   * ```
   */
  get size(): number {
    return this.#items.length;
  }

  /**
   * True when no item is queued.
   * @example
   * ```ts
   * new SimpleQueue().empty(); // true
   * ```
   */
  empty(): boolean {
    return this.#items.length === 0;
  }

  /**
   * Adds an item; never waits. Returns a promise so that code written for
   * {@link Queue} works unchanged.
   * @example
   * ```ts
   * await inbox.put('hello');
   * ```
   */
  put(item: T): Promise<void> {
    this.putNowait(item);
    return RESOLVED;
  }

  /**
   * Adds an item (the same as `put`, synchronously).
   * @example
   * ```ts
   * inbox.putNowait('hello');
   * ```
   */
  putNowait(item: T): void {
    const getter = this.#getters.shift();
    if (getter === undefined) {
      this.#items.push(item);
      return;
    }
    wake(getter, item);
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   * Rejects with `QueueEmpty` when `timeout` passes and with `signal.reason`
   * on abort; then no item was taken.
   * @example
   * ```ts
   * const message = await inbox.get({ timeout: 1000 });
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    const parsed = waitOptionsOrRejection(options);
    if (parsed instanceof Promise) return parsed;
    const { signal, timeout } = parsed;
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift() as T);
    if (timeout === 0) return Promise.reject(emptyAfter(0));
    if (signal === undefined && (timeout === undefined || timeout === Number.POSITIVE_INFINITY)) {
      return new Promise<T>(this.#parkGetter);
    }
    return park(this.#getters, undefined, signal, timeout, emptyAfter);
  }

  /**
   * Puts back an item a `get` took for a caller that is gone, as the next item.
   * @internal
   */
  [giveBack](item: T): void {
    const getter = this.#getters.shift();
    if (getter === undefined) this.#items.unshift(item);
    else wake(getter, item);
  }

  /**
   * Removes and returns the next item if there is one now.
   * @throws QueueEmpty when the queue is empty.
   * @example
   * ```ts
   * const message = inbox.getNowait();
   * ```
   */
  getNowait(): T {
    if (this.#items.length === 0) throw new QueueEmpty();
    return this.#items.shift() as T;
  }
}

// recognised across copies of @par/queue (a pool's child process runs a bundled one)
brand(SimpleQueue, '@par/queue.SimpleQueue');
