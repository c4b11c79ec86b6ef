import { TimeoutError } from '@par/async';
import {
  clearTimer,
  optionMessage,
  setTimer,
  type Timer,
  validateOptions,
  validateReturnWhen,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import { Future } from './future.js';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /**
   * Milliseconds, counted from the call (as in Python): when futures are still
   * unfinished then, the loop throws a `TimeoutError`. The futures keep running.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Stops the loop: the pending `next()` rejects with `signal.reason`. The futures keep running.
   * @default undefined
   */
  signal?: AbortSignal;
}

/** When {@link wait} returns (`concurrent.futures`' `FIRST_COMPLETED`, …). */
export type FuturesReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/** Options of {@link wait}. */
export interface WaitFuturesOptions {
  /**
   * `'FIRST_COMPLETED'`: as soon as one future is done; `'FIRST_EXCEPTION'`: as soon
   * as one fails (a cancelled future does not count), else when all are done;
   * `'ALL_COMPLETED'`: when all are done.
   * @default 'ALL_COMPLETED'
   */
  returnWhen?: FuturesReturnWhen;
  /**
   * Milliseconds to wait at most. On timeout `wait` still resolves, with the
   * unfinished futures in `notDone`, as Python's `wait` does.
   * @default undefined (no limit)
   */
  timeout?: number;
}

/** The result of {@link wait}: the given futures, split by whether they are done. */
export interface WaitFuturesResult<F> {
  done: Set<F>;
  notDone: Set<F>;
}

/** Checks `futures` is an iterable of `Future`s; returns them without duplicates, in order. */
function futureList<F>(futures: Iterable<F>): F[] {
  if (futures == null || typeof (futures as Iterable<F>)[Symbol.iterator] !== 'function') {
    throw new TypeError(optionMessage('futures', 'an iterable of Futures', futures));
  }
  const list = [...new Set(futures)];
  for (let i = 0; i < list.length; i++) {
    if (!(list[i] instanceof Future)) {
      throw new TypeError(optionMessage(`futures[${i}]`, 'a Future (from submit())', list[i]));
    }
  }
  return list;
}

function unfinished(pending: number, total: number): TimeoutError {
  return new TimeoutError(`${pending} (of ${total}) futures unfinished`);
}

/**
 * Yields the given futures themselves as they finish (Python's
 * `concurrent.futures.as_completed`): those already done first, then each as it
 * completes, whether with a result, an error or cancelled — read it with
 * `await future` or `future.result()`. Duplicates are yielded once. With `timeout`,
 * the loop throws a `TimeoutError` when futures are still unfinished then.
 * Options are checked at once (a `TypeError` / `RangeError` naming the option).
 *
 * TypeScript types the variable of a `for await` loop as the *awaited* value of
 * what the iterator yields, so it shows a Future's result type although the loop
 * receives the Future; read the iterator with `next()` for exact types (second example).
 *
 * @example
 * ```ts
 * const urls = new Map(pages.map((url) => [executor.submit(t.fetchPage, url), url]));
 * for await (const future of asCompleted(urls.keys(), { timeout: 60_000 })) {
 *   console.log(urls.get(future), await future.result());
 * }
 * // typed as Future<string>:
 * const it = asCompleted(urls.keys());
 * for (let step = await it.next(); !step.done; step = await it.next()) {
 *   const future = step.value;
 * }
 * ```
 */
export function asCompleted<R>(
  futures: Iterable<Future<R>>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<Future<R>>;
/** Futures of different result types: yields each as the union of their types. */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<F>;
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<F> {
  const opts = validateOptions<AsCompletedOptions>('options', options);
  const timeout = validateTimeout('timeout', opts.timeout);
  const signal = validateSignal('signal', opts.signal);
  const list = futureList(futures);
  const deadline =
    timeout === undefined || timeout === Number.POSITIVE_INFINITY
      ? undefined
      : Date.now() + timeout;
  return completions(list, deadline, signal);
}

// A hand-written iterator, not an async generator: an async generator awaits what
// it yields, which would turn each (thenable) Future into its value.
function completions<F extends Future<unknown>>(
  list: F[],
  deadline: number | undefined,
  signal: AbortSignal | undefined,
): AsyncIterableIterator<F> {
  const ready: F[] = [];
  const pending = new Set<F>();
  let closed = false;
  let wake: (() => void) | undefined;
  for (const future of list) {
    if (future.done()) ready.push(future);
    else pending.add(future);
  }
  for (const future of pending) {
    future.addDoneCallback(() => {
      if (!pending.delete(future)) return;
      ready.push(future);
      const w = wake;
      wake = undefined;
      w?.();
    });
  }
  const close = (): IteratorResult<F> => {
    closed = true;
    ready.length = 0;
    pending.clear(); // late completions are no longer collected
    return { value: undefined, done: true };
  };
  const step = async (): Promise<IteratorResult<F>> => {
    for (;;) {
      if (closed) return { value: undefined, done: true };
      if (signal?.aborted) {
        close();
        throw signal.reason;
      }
      const next = ready.shift();
      if (next !== undefined) return { value: next, done: false };
      if (pending.size === 0) return close();
      const left = deadline === undefined ? undefined : deadline - Date.now();
      if (left !== undefined && left <= 0) {
        const error = unfinished(pending.size, list.length);
        close();
        throw error;
      }
      let timer: Timer | undefined;
      let onAbort: (() => void) | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          if (left !== undefined) {
            timer = setTimer(() => reject(unfinished(pending.size, list.length)), left);
          }
          if (signal !== undefined) {
            onAbort = () => reject(signal.reason);
            signal.addEventListener('abort', onAbort, { once: true });
          }
        });
      } catch (error) {
        close();
        throw error;
      } finally {
        wake = undefined;
        if (timer !== undefined) clearTimer(timer);
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      }
    }
  };
  // next() calls are served one after the other, as an async generator would
  let queue: Promise<unknown> = Promise.resolve();
  const iterator: AsyncIterableIterator<F> = {
    next(): Promise<IteratorResult<F>> {
      const result = queue.then(step);
      queue = result.catch(() => undefined);
      return result;
    },
    return(): Promise<IteratorResult<F>> {
      const result = queue.then(close);
      queue = result;
      return result;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Waits for some or all of the given futures (Python's `concurrent.futures.wait`)
 * and resolves to `{ done, notDone }`: Sets of the very same Future objects. It
 * never rejects on timeout — what did not finish is in `notDone` — and cancels
 * nothing. A bad argument rejects with a `TypeError` / `RangeError` naming it.
 *
 * @example
 * ```ts
 * const futures = inputs.map((n) => executor.submit(t.square, n));
 * const { done, notDone } = await wait(futures, { returnWhen: 'FIRST_EXCEPTION', timeout: 5000 });
 * for (const future of done) console.log(await future.exception());
 * ```
 */
export function wait<R>(
  futures: Iterable<Future<R>>,
  options?: WaitFuturesOptions,
): Promise<WaitFuturesResult<Future<R>>>;
/** Futures of different result types: the Sets hold the union of their types. */
export function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: WaitFuturesOptions,
): Promise<WaitFuturesResult<F>>;
export function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: WaitFuturesOptions,
): Promise<WaitFuturesResult<F>> {
  let list: F[];
  let returnWhen: FuturesReturnWhen;
  let timeout: number | undefined;
  try {
    const opts = validateOptions<WaitFuturesOptions>('options', options);
    returnWhen = validateReturnWhen(opts.returnWhen);
    timeout = validateTimeout('timeout', opts.timeout);
    list = futureList(futures);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<WaitFuturesResult<F>>((resolve) => {
    let finished = false;
    let timer: Timer | undefined;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimer(timer);
      const done = new Set<F>();
      const notDone = new Set<F>();
      for (const future of list) (future.done() ? done : notDone).add(future);
      resolve({ done, notDone });
    };
    let remaining = list.length;
    // a failure counts for FIRST_EXCEPTION, a cancellation does not (as in Python)
    const settled = (future: F, failed: boolean): void => {
      remaining--;
      if (
        remaining === 0 ||
        returnWhen === 'FIRST_COMPLETED' ||
        (returnWhen === 'FIRST_EXCEPTION' && failed && !future.cancelled())
      ) {
        finish();
      }
    };
    if (remaining === 0) return finish();
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      timer = setTimer(finish, timeout);
    }
    for (const future of list) {
      future.then(
        () => settled(future, false),
        () => settled(future, true),
      );
    }
  });
}
