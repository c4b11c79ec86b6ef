// The waiters of a queue's blocked `put`/`get` calls: @par/async's Waiter (one
// waiter for every @par primitive), plus the bare-resolver fast path of a `get`
// that nothing can cancel.
import {
  Waiter as AsyncWaiter,
  type Deque,
  type ParsedWait,
  parseWaitOptions,
} from '@par/async/internal';

/** Options for a call that may wait (`put`, `get`): the `WaitOptions` of @par/async. */
export type { ParsedWait } from '@par/async/internal';
export { parseWaitOptions } from '@par/async/internal';

const NO_WAIT_OPTIONS: ParsedWait = Object.freeze({ signal: undefined, timeout: undefined });

/**
 * The options of a `put` or `get`, or the rejected promise the call returns at once:
 * options that do not validate, or a signal that has already aborted.
 */
export function waitOptionsOrRejection(options: unknown): ParsedWait | Promise<never> {
  if (options === undefined) return NO_WAIT_OPTIONS;
  let parsed: ParsedWait;
  try {
    parsed = parseWaitOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (parsed.signal?.aborted) return Promise.reject(parsed.signal.reason);
  return parsed;
}

/**
 * A caller parked in a queue: a blocked `put` (with the item it wants to add)
 * or a blocked `get`. It leaves its list exactly once, through a wake-up, an
 * abort or a timeout, whichever comes first.
 */
export type Waiter<I, R> = AsyncWaiter<R, I>;

/**
 * Parks a caller in `list` until someone shifts it out and settles it. Whoever
 * shifts a waiter out settles or disarms it at once, so a waiter that was
 * already woken (and may hold an item) is never also rejected by its abort or
 * timeout.
 */
export function park<I, R>(
  list: Deque<Parked<I, R>>,
  item: I,
  signal: AbortSignal | undefined,
  timeout: number | undefined,
  timeoutError: (ms: number) => Error,
): Promise<R> {
  const onTimeout = (waiter: Waiter<I, R>): void => waiter.reject(timeoutError(timeout as number));
  return new AsyncWaiter<R, I>(list, signal, timeout, onTimeout, item).promise;
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
    parked.resolve(value);
  }
}

/** Settles a parked call with an error. */
export function fail<I, R>(parked: Parked<I, R>, error: unknown): void {
  if (typeof parked === 'function') {
    parked(Promise.reject(error));
  } else {
    parked.reject(error);
  }
}
