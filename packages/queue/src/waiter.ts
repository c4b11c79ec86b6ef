import type { Deque } from '@par/async/internal';
import { validateOptions, validateSignal, validateTimeout } from '@par/async/internal';

/**
 * Options for a call that may wait: `put`, `get`.
 */
export interface WaitOptions {
  /**
   * Stops waiting: the call rejects with `signal.reason` and leaves no waiter
   * behind. An already-aborted signal rejects at once, before the queue is touched.
   * @default undefined
   * @example
   * ```ts
   * await queue.get({ signal: AbortSignal.timeout(1000) });
   * ```
   */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait at most; then `get` rejects with `QueueEmpty` and
   * `put` with `QueueFull` (Python's `timeout=`). `0` means "do not wait";
   * `Infinity` or `undefined` waits for ever.
   * @default undefined
   * @example
   * ```ts
   * await queue.put(item, { timeout: 500 });
   * ```
   */
  timeout?: number;
}

/** The validated form of {@link WaitOptions}. */
export interface ParsedWait {
  signal: AbortSignal | undefined;
  timeout: number | undefined;
}

/** Validates the options of `put`/`get`; throws TypeError/RangeError naming the option. */
export function parseWaitOptions(options: unknown): ParsedWait {
  const opts = validateOptions<WaitOptions>('options', options);
  return {
    signal: validateSignal('signal', opts.signal),
    timeout: validateTimeout('timeout', opts.timeout),
  };
}

/**
 * A caller parked in a queue: a blocked `put` (with the item it wants to add)
 * or a blocked `get`. It leaves its list exactly once, through a wake-up, an
 * abort or a timeout, whichever comes first.
 */
export class Waiter<I, R> {
  readonly item: I;
  readonly resolve: (value: R | PromiseLike<R>) => void;
  readonly reject: (reason: unknown) => void;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    item: I,
    resolve: (value: R | PromiseLike<R>) => void,
    reject: (reason: unknown) => void,
  ) {
    this.item = item;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Drops the abort listener and the timer; called when the waiter leaves its list. */
  disarm(): void {
    if (this.onAbort !== undefined) {
      (this.signal as AbortSignal).removeEventListener('abort', this.onAbort);
      this.onAbort = undefined;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/**
 * Parks a caller in `list` until someone shifts it out and settles it. Abort
 * and timeout only act if the waiter is still in the list, so a waiter that was
 * already woken (and may hold an item) is never also rejected.
 */
export function park<I, R>(
  list: Deque<Parked<I, R>>,
  item: I,
  signal: AbortSignal | undefined,
  timeout: number | undefined,
  timeoutError: (ms: number) => Error,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const waiter = new Waiter<I, R>(item, resolve, reject);
    list.push(waiter);
    if (signal !== undefined) {
      const onAbort = (): void => {
        if (list.remove(waiter)) {
          waiter.disarm();
          reject(signal.reason);
        }
      };
      waiter.signal = signal;
      waiter.onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      waiter.timer = setTimeout(() => {
        if (list.remove(waiter)) {
          waiter.disarm();
          reject(timeoutError(timeout));
        }
      }, timeout);
    }
  });
}

/**
 * A parked call without a signal or timeout is stored as just its promise's
 * resolve function: the per-item cost of a busy queue is one parked `get`, and
 * this saves the waiter object and a closure. It is failed by resolving it with
 * a rejected promise.
 */
export type Resolver<R> = (value: R | PromiseLike<R>) => void;

/** A parked call: a full {@link Waiter}, or a bare {@link Resolver} when nothing can cancel it. */
export type Parked<I, R> = Waiter<I, R> | Resolver<R>;

/** Settles a parked call with a value. */
export function wake<I, R>(parked: Parked<I, R>, value: R): void {
  if (typeof parked === 'function') {
    parked(value);
  } else {
    parked.disarm();
    parked.resolve(value);
  }
}

/** Settles a parked call with an error. */
export function fail<I, R>(parked: Parked<I, R>, error: unknown): void {
  if (typeof parked === 'function') {
    parked(Promise.reject(error));
  } else {
    parked.disarm();
    parked.reject(error);
  }
}
