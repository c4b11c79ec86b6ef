import { noop, onAbort } from './abort.js';
import { clearTimer, setTimer, type Timer } from './timer.js';
import { validateOptions, validateSignal, validateTimeout } from './validate.js';

/** The FIFO a {@link Waiter} waits in: a `Deque` of waiters (or of anything a waiter is). */
export interface WaiterList<W> {
  push(waiter: W): void;
  remove(waiter: W): boolean;
}

/**
 * One pending wait in a FIFO of waiters (locks, semaphores, events, barriers,
 * the blocked `put`/`get` calls of a queue). It leaves its list by itself when
 * its signal aborts or its timeout fires, so an abandoned wait never leaves a
 * waiter behind. `item` is what the waiter brings (a blocked `put`'s item).
 */
export class Waiter<T, I = undefined> {
  readonly promise: Promise<T>;
  /** What the waiter brings along (a blocked `put`'s item), else `undefined`. */
  readonly item: I;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;
  #removeAbort: () => void;
  #timer: Timer | undefined;

  /**
   * @param list the FIFO the waiter is pushed onto (and removed from on abort/timeout)
   * @param onTimeout decides what a timeout means (reject, resolve `false`, break a barrier)
   * @param item what the waiter brings along
   */
  constructor(
    list: WaiterList<Waiter<T, I>>,
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    onTimeout: (waiter: Waiter<T, I>) => void,
    item?: I,
  ) {
    this.item = item as I;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    list.push(this);
    this.#removeAbort = onAbort(signal, () => {
      list.remove(this);
      this.reject((signal as AbortSignal).reason);
    });
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimer(() => {
        this.#timer = undefined;
        list.remove(this);
        onTimeout(this);
      }, timeout);
    }
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: T): void {
    if (this.#settled) return;
    this.#settled = true;
    this.disarm();
    this.#resolve(value);
  }

  reject(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.disarm();
    this.#reject(reason);
  }

  /**
   * Stops listening for the abort and the timeout without settling: for a waiter
   * that has left its list and will be settled a little later.
   */
  disarm(): void {
    this.#removeAbort();
    this.#removeAbort = noop;
    if (this.#timer !== undefined) {
      clearTimer(this.#timer);
      this.#timer = undefined;
    }
  }
}

/**
 * The `{ signal, timeout }` of every call that may wait, in every @par package:
 * `acquire()` and `wait()` of @par/async's primitives, `put()`/`get()` of
 * @par/queue's queues, the waits of @par/threads' shared primitives.
 *
 * @example
 * ```ts
 * using _held = await lock.acquire({ timeout: 1000, signal });
 * const job = await queue.get({ signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface WaitOptions {
  /**
   * Stops waiting: the call rejects with `signal.reason` and leaves no waiter
   * behind. An already-aborted signal rejects at once.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait at most; `undefined` or `Infinity` waits for ever.
   * What running out means is the call's own: an acquire rejects with
   * `TimeoutError`, `Event#wait` resolves `false`, `put` rejects with
   * `QueueFull` and `get` with `QueueEmpty`.
   * @default undefined
   */
  timeout?: number;
}

/** The validated form of {@link WaitOptions}. */
export interface ParsedWait {
  signal: AbortSignal | undefined;
  timeout: number | undefined;
}

/** Validates `{ signal, timeout }`; throws TypeError/RangeError naming the option. */
export function parseWaitOptions(options: unknown): ParsedWait {
  const opts = validateOptions<WaitOptions>('options', options);
  return {
    signal: validateSignal('signal', opts.signal),
    timeout: validateTimeout('timeout', opts.timeout),
  };
}
