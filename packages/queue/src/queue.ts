import type { WaitOptions } from '@par/async';
import { TimeoutError } from '@par/async';
import type { Deferred } from '@par/async/internal';
import {
  brand,
  Deque,
  deferred,
  optionMessage,
  validateInteger,
  validateOptions,
} from '@par/async/internal';
import { QueueEmpty, QueueFull, QueueShutDown } from './errors.js';
import { QueueIterator } from './queue-iterator.js';
import { createStore, FifoStore, giveBack, type Store } from './store.js';
import {
  fail,
  type Parked,
  park,
  type Resolver,
  type Waiter,
  waitOptionsOrRejection,
  wake,
} from './waiter.js';

/** Options of {@link Queue}, {@link LifoQueue} and {@link PriorityQueue}. */
export interface QueueOptions {
  /**
   * The most items the queue holds; `put` waits (and `putNowait` throws
   * `QueueFull`) while it is full. `0` or `Infinity` means unbounded. Negative,
   * fractional or non-number values throw `RangeError` / `TypeError`.
   * @default 0
   * @example
   * ```ts
   * const queue = new Queue<string>({ maxsize: 100 });
   * ```
   */
  maxsize?: number;
}

/** Options of {@link Queue.shutdown}. */
export interface ShutdownOptions {
  /**
   * `false`: refuse new items but let `get` drain what is queued. `true`:
   * also drop every queued item at once, subtracting them from the unfinished
   * count that `join()` waits on (Python 3.13+, gh-137088).
   * @default false
   * @example
   * ```ts
   * queue.shutdown({ immediate: true });
   * ```
   */
  immediate?: boolean;
}

// Returned by every `put` that finds room, so the fast path allocates nothing.
const RESOLVED: Promise<void> = Promise.resolve();
/** Stands for an item handed to a getter and taken back by an immediate shutdown. */
const TAKEN_BACK: unique symbol = Symbol('taken back');

// A timed-out wait rejects with QueueFull / QueueEmpty like Python; the cause
// is the TimeoutError the rest of @par uses for deadlines.
const fullAfter = (ms: number): Error =>
  new QueueFull(`The queue stayed full for ${ms} ms; the item was not added`, {
    cause: new TimeoutError(`Timed out after ${ms} ms`),
  });
const emptyAfter = (ms: number): Error =>
  new QueueEmpty(`The queue stayed empty for ${ms} ms; no item was taken`, {
    cause: new TimeoutError(`Timed out after ${ms} ms`),
  });

/**
 * A first-in, first-out queue for async producers and consumers: Python's
 * `queue.Queue` / `asyncio.Queue`, with `shutdown()` as in Python 3.13+.
 *
 * - `put` waits while the queue is full; waiting putters go in, and waiting
 *   getters are served, in the order they started waiting.
 * - Every item put counts as unfinished until a consumer calls `taskDone()`;
 *   `join()` resolves when the count reaches zero.
 * - `put` and `get` take `{ signal, timeout }`; an aborted or timed-out call
 *   leaves no waiter behind, and an item is never lost or delivered twice.
 *
 * @typeParam T - the item type.
 * @example
 * ```ts
 * const queue = new Queue<number>({ maxsize: 10 });
 * const consumer = (async () => {
 *   for await (const n of queue) console.log(n); // marks each item done
 * })();
 * for (let i = 0; i < 100; i++) await queue.put(i); // waits while 10 are queued
 * await queue.join();   // every item processed
 * queue.shutdown();     // ends the for-await loop
 * await consumer;
 * ```
 */
export class Queue<T = unknown> {
  readonly #maxsize: number;
  // the capacity actually enforced: `Infinity` when unbounded
  readonly #limit: number;
  readonly #store: Store<T>;
  // FIFO stores hand an item straight to the longest-waiting getter; the
  // others only wake it and let it take the best item when it runs
  readonly #handOff: boolean;
  // getters of a FIFO queue are resolved with their item, the others with `undefined`
  readonly #getters = new Deque<Parked<undefined, T | undefined>>();
  readonly #putters = new Deque<Waiter<T, void>>();
  // items in the store promised to getters that were woken but have not run yet
  #reserved = 0;
  #unfinished = 0;
  #joined: Deferred<void> | undefined = undefined;
  #shutDown = false;
  // shut down with `immediate`: items given back are dropped too
  #dropping = false;
  // A woken getter of a LIFO or priority queue takes its item when it runs
  // (one microtask later), so it gets the best item at that moment.
  readonly #takeReservedItem = (): T => this.#takeReserved();
  // Calls let in or handed an item, settled together one microtask later; triples
  // of (parked call, value, whether the value is an item handed to a getter). See
  // #deliver; `shutdown({ immediate: true })` takes back the items not settled yet.
  readonly #deliveries = new Deque<unknown>();
  #deliveryScheduled = false;
  readonly #flushDeliveries = (): void => {
    this.#deliveryScheduled = false;
    const deliveries = this.#deliveries;
    while (deliveries.length > 0) {
      const parked = deliveries.shift() as Parked<unknown, unknown>;
      const value = deliveries.shift();
      deliveries.shift();
      if (value === TAKEN_BACK) fail(parked, new QueueShutDown());
      else wake(parked, value);
    }
  };
  // the executor of a plain `get` (no signal, no timeout): parks the bare resolver
  readonly #parkGetter = (resolve: Resolver<T | undefined>): void => {
    this.#getters.push(resolve);
  };

  /**
   * @param options - {@link QueueOptions}; copied, never mutated.
   * @throws TypeError / RangeError for an invalid option, naming it.
   */
  constructor(options?: QueueOptions) {
    const opts = validateOptions<QueueOptions>('options', options);
    const maxsize =
      opts.maxsize === undefined
        ? 0
        : validateInteger('maxsize', opts.maxsize, { min: 0, allowInfinity: true });
    this.#maxsize = maxsize;
    this.#limit = maxsize === 0 ? Number.POSITIVE_INFINITY : maxsize;
    this.#store = this[createStore](opts);
    this.#handOff = this.#store instanceof FifoStore;
  }

  /**
   * Creates the item store; {@link LifoQueue} and {@link PriorityQueue} override it.
   * @internal
   */
  [createStore](_options: QueueOptions): Store<T> {
    return new FifoStore<T>();
  }

  /**
   * The `maxsize` given to the constructor (`0` or `Infinity`: unbounded).
   * @example
   * ```ts
   * new Queue({ maxsize: 5 }).maxsize; // 5
   * ```
   */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * The number of items a `get` could take now (Python's `qsize()`). Items
   * already promised to a woken getter are not counted.
   * @example
   * ```ts
   * queue.putNowait('a');
   * queue.size; // 1
   * ```
   */
  get size(): number {
    return this.#store.length - this.#reserved;
  }

  /**
   * True once `shutdown()` has been called.
   * @example
   * ```ts
   * queue.shutdown();
   * queue.isShutDown; // true
   * ```
   */
  get isShutDown(): boolean {
    return this.#shutDown;
  }

  /**
   * True when the queue holds no item a `get` could take now.
   * @example
   * ```ts
   * new Queue().empty(); // true
   * ```
   */
  empty(): boolean {
    return this.#store.length - this.#reserved === 0;
  }

  /**
   * True when the queue is bounded and holds `maxsize` items; never true
   * when unbounded.
   * @example
   * ```ts
   * const queue = new Queue({ maxsize: 1 });
   * queue.putNowait(1);
   * queue.full(); // true
   * ```
   */
  full(): boolean {
    return this.#store.length - this.#reserved >= this.#limit;
  }

  /**
   * Adds an item, waiting while the queue is full. Waiting putters go in in
   * the order they called `put`.
   *
   * Rejects with `QueueShutDown` after `shutdown()` (also a `put` that was
   * waiting when it happened), `QueueFull` when `timeout` passes, and
   * `signal.reason` on abort; in all three cases the item was not added.
   *
   * @example
   * ```ts
   * await queue.put(job);
   * await queue.put(job, { timeout: 1000, signal });
   * ```
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const parsed = waitOptionsOrRejection(options);
    if (parsed instanceof Promise) return parsed;
    const { signal, timeout } = parsed;
    if (this.#shutDown) return Promise.reject(new QueueShutDown());
    if (this.#store.length - this.#reserved < this.#limit || this.#getters.length > 0) {
      try {
        this.#add(item);
      } catch (error) {
        return Promise.reject(error);
      }
      return RESOLVED;
    }
    if (timeout === 0) return Promise.reject(fullAfter(0));
    return park(this.#putters, item, signal, timeout, fullAfter);
  }

  /**
   * Adds an item if there is room now (Python's `put_nowait`).
   * @throws QueueFull when the queue is full; QueueShutDown after `shutdown()`.
   * @example
   * ```ts
   * try { queue.putNowait(job) } catch (err) { if (err instanceof QueueFull) dropped++ }
   * ```
   */
  putNowait(item: T): void {
    if (this.#shutDown) throw new QueueShutDown();
    if (this.#store.length - this.#reserved >= this.#limit && this.#getters.length === 0) {
      throw new QueueFull();
    }
    this.#add(item);
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   * Waiting getters are served in the order they called `get`.
   *
   * After `shutdown()` it still returns the items left in the queue, then
   * rejects with `QueueShutDown`. Rejects with `QueueEmpty` when `timeout`
   * passes and with `signal.reason` on abort; then no item was taken.
   *
   * @example
   * ```ts
   * const job = await queue.get();
   * const next = await queue.get({ timeout: 1000 });
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    const parsed = waitOptionsOrRejection(options);
    if (parsed instanceof Promise) return parsed;
    const { signal, timeout } = parsed;
    if (this.#store.length - this.#reserved > 0) {
      let item: T;
      try {
        item = this.#take();
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve(item);
    }
    if (this.#shutDown) return Promise.reject(new QueueShutDown());
    if (timeout === 0) return Promise.reject(emptyAfter(0));
    const waiting =
      signal === undefined && (timeout === undefined || timeout === Number.POSITIVE_INFINITY)
        ? new Promise<T | undefined>(this.#parkGetter)
        : park(this.#getters, undefined, signal, timeout, emptyAfter);
    return this.#handOff ? (waiting as Promise<T>) : waiting.then(this.#takeReservedItem);
  }

  /**
   * Removes and returns the next item if there is one now (Python's `get_nowait`).
   * @throws QueueEmpty when the queue is empty; QueueShutDown when it is empty and shut down.
   * @example
   * ```ts
   * while (!queue.empty()) handle(queue.getNowait());
   * ```
   */
  getNowait(): T {
    if (this.#store.length - this.#reserved > 0) return this.#take();
    if (this.#shutDown) throw new QueueShutDown();
    throw new QueueEmpty();
  }

  /**
   * Marks one item taken from the queue as processed (Python's `task_done`).
   * When every item put has been marked, `join()` resolves.
   *
   * @throws RangeError (with `code: 'PAR_QUEUE_TASK_DONE'`) when called more
   * times than items were put, like Python's `ValueError`.
   * @example
   * ```ts
   * const job = await queue.get();
   * try { await run(job) } finally { queue.taskDone() }
   * ```
   */
  taskDone(): void {
    if (this.#unfinished <= 0) {
      throw Object.assign(
        new RangeError('taskDone() was called more times than items were put in the queue'),
        { code: 'PAR_QUEUE_TASK_DONE' },
      );
    }
    if (--this.#unfinished === 0) this.#finish();
  }

  /**
   * Resolves once every item put so far has been marked with `taskDone()`
   * (at once when none is unfinished). Python's `join`.
   * @example
   * ```ts
   * for (const url of urls) await queue.put(url);
   * await queue.join(); // all fetched
   * ```
   */
  join(): Promise<void> {
    if (this.#unfinished === 0) return RESOLVED;
    this.#joined ??= deferred<void>();
    return this.#joined.promise;
  }

  /**
   * Shuts the queue down (Python 3.13+). Afterwards `put` and `putNowait`
   * reject with `QueueShutDown`, and blocked putters wake and reject with it.
   * `get` keeps returning the items left, then rejects with `QueueShutDown`;
   * blocked getters wake and reject. `{ immediate: true }` also drops the items
   * left and subtracts them from the unfinished count, so `join()` resolves
   * when that count reaches zero; an item put for a waiting getter that has not
   * run yet is still in the queue, as in Python: it is dropped, and that getter
   * rejects with `QueueShutDown`. Calling it again is allowed (for example to
   * turn a draining shutdown into an immediate one).
   * @example
   * ```ts
   * queue.shutdown();                     // let consumers drain
   * queue.shutdown({ immediate: true });  // drop what is left
   * ```
   */
  shutdown(options?: ShutdownOptions): void {
    const opts = validateOptions<ShutdownOptions>('options', options);
    const immediate = opts.immediate ?? false;
    if (typeof immediate !== 'boolean') {
      throw new TypeError(optionMessage('immediate', 'a boolean', immediate));
    }
    this.#shutDown = true;
    if (immediate) {
      this.#dropping = true;
      // items handed to getters that have not run yet are still in the queue, as in
      // Python (a woken getter takes its item when it runs): dropped like the rest
      const dropped = this.#store.length + this.#takeBackHandedItems();
      this.#store.clear();
      this.#reserved = 0;
      if (dropped > 0 && this.#unfinished > 0) {
        this.#unfinished -= Math.min(dropped, this.#unfinished);
        if (this.#unfinished === 0) this.#finish();
      }
    }
    // Getters only wait on an empty queue, so all of them will find nothing.
    for (let getter = this.#getters.shift(); getter; getter = this.#getters.shift()) {
      fail(getter, new QueueShutDown());
    }
    for (let putter = this.#putters.shift(); putter; putter = this.#putters.shift()) {
      putter.disarm();
      putter.reject(new QueueShutDown());
    }
  }

  /**
   * `await using queue = new Queue()` shuts the queue down (draining, not
   * immediate) when the block ends: consumers finish the items left, then
   * their `get` rejects with `QueueShutDown` and `for await` loops end.
   * @example
   * ```ts
   * await using queue = new Queue<string>();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.shutdown();
    return RESOLVED;
  }

  /**
   * Iterates with `for await` until the queue is shut down and drained. Each
   * item is marked done (`taskDone()`) when the loop asks for the next one or
   * leaves through `break`, `return` or `throw`, so `join()` works with
   * `for await` consumers.
   * @example
   * ```ts
   * for await (const job of queue) await run(job);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new QueueIterator<T>(this);
  }

  /**
   * Puts back an item a `get` took for a caller that is gone, as the next item;
   * it stays counted as unfinished (it was never marked done). Not bound by
   * `maxsize` (it was in the queue already). After `shutdown({ immediate: true })`
   * it is dropped like the items that were left, and marked done.
   * @internal
   */
  [giveBack](item: T): void {
    if (this.#dropping) {
      if (this.#unfinished > 0 && --this.#unfinished === 0) this.#finish();
      return;
    }
    const getter = this.#getters.shift();
    if (getter !== undefined && this.#handOff) {
      this.#deliver(getter, item, true);
      return;
    }
    this.#store.restore(item);
    if (getter !== undefined) {
      this.#reserved++;
      wake(getter, undefined);
    }
  }

  // Adds an item that is allowed in: hands it to (or reserves it for) the
  // longest-waiting getter, else stores it.
  #add(item: T): void {
    const getter = this.#getters.shift();
    if (getter === undefined) {
      this.#store.push(item);
      this.#unfinished++;
      return;
    }
    if (this.#handOff) {
      this.#unfinished++;
      this.#deliver(getter, item, true);
      return;
    }
    try {
      this.#store.push(item);
    } catch (error) {
      this.#getters.unshift(getter);
      throw error;
    }
    this.#unfinished++;
    this.#reserved++;
    wake(getter, undefined);
  }

  // Takes the next free item, then lets the longest-waiting putters in.
  #take(): T {
    const item = this.#store.take();
    if (this.#putters.length > 0) this.#admitPutters();
    return item;
  }

  #takeReserved(): T {
    // only `shutdown({ immediate: true })` empties the store under a
    // reservation, and it drops the reservations along with the items
    if (this.#store.length === 0) throw new QueueShutDown();
    this.#reserved--;
    return this.#take();
  }

  #admitPutters(): void {
    while (this.#store.length - this.#reserved < this.#limit) {
      const putter = this.#putters.shift();
      if (putter === undefined) return;
      putter.disarm();
      try {
        this.#store.push(putter.item);
      } catch (error) {
        putter.reject(error);
        continue;
      }
      this.#unfinished++;
      this.#deliver(putter, undefined);
    }
  }

  // Settles a parked call that has been given its item (or let in) one
  // microtask later. The call is already out of its list and disarmed, so an
  // abort or timeout can no longer reject it. Settling later makes the caller
  // that caused the wake-up continue first: a producer and a consumer running in
  // step then both find the queue neither empty nor full, and neither parks
  // again, instead of parking once per item.
  #deliver<I, R>(parked: Parked<I, R>, value: R, item = false): void {
    if (typeof parked !== 'function') parked.disarm();
    this.#deliveries.push(parked);
    this.#deliveries.push(value);
    this.#deliveries.push(item);
    if (!this.#deliveryScheduled) {
      this.#deliveryScheduled = true;
      queueMicrotask(this.#flushDeliveries);
    }
  }

  // Turns the items handed to getters but not settled yet into QueueShutDown
  // rejections; returns how many there were.
  #takeBackHandedItems(): number {
    const deliveries = this.#deliveries;
    if (deliveries.length === 0) return 0;
    const pending = deliveries.drain();
    let taken = 0;
    for (let i = 0; i < pending.length; i += 3) {
      const item = pending[i + 2] === true;
      deliveries.push(pending[i]);
      deliveries.push(item ? TAKEN_BACK : pending[i + 1]);
      deliveries.push(item);
      if (item) taken++;
    }
    return taken;
  }

  #finish(): void {
    const joined = this.#joined;
    if (joined !== undefined) {
      this.#joined = undefined;
      joined.resolve();
    }
  }
}

// recognised across copies of @par/queue (a pool's child process runs a bundled one)
brand(Queue, '@par/queue.Queue');
