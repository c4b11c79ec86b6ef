import { isThenable, onAbort } from './abort.js';
import { afterTurn } from './settle-window.js';
import { optionMessage, validateBoolean, validateOptions, validateSignal } from './validate.js';

/** One input of {@link gather}: a promise (or value), or a function that starts the work. */
export type Awaitable<T> = T | PromiseLike<T> | ((signal?: AbortSignal) => T | PromiseLike<T>);

/** The value an input of {@link gather} produces. */
export type GatherResult<I> = I extends (...args: never[]) => infer R ? Awaited<R> : Awaited<I>;

/** The results of {@link gather}: a tuple for tuple input, an array for array input. */
export type GatherResults<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: GatherResult<T[K]>;
};

/** The results of {@link gather} with `returnExceptions: true`: each slot is a value or the error. */
export type GatherSettled<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: GatherResult<T[K]> | Error;
};

/** Options of {@link gather}. */
export interface GatherOptions {
  /**
   * Put each failure in its slot of the result array instead of rejecting
   * (`asyncio.gather(return_exceptions=True)`). Non-Error rejection reasons are kept as they are.
   * @default false
   */
  returnExceptions?: boolean;
  /**
   * Stops waiting: `gather` rejects with `signal.reason` itself, whatever the inputs
   * reject with in answer to the abort. The signal is also passed to function inputs,
   * so they can stop their own work.
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Runs every input concurrently and resolves with their results in input order
 * (`asyncio.gather`). Inputs are promises, plain values, or functions returning
 * either (called at once, with the signal). Without `returnExceptions` the first
 * rejection wins and the others keep running, as in Python. When the last input
 * settles in the same turn as an abort, the results are not dropped; otherwise the
 * abort rejects with `signal.reason` itself, also with `returnExceptions` and when
 * the inputs answer the abort with errors of their own (Python's `gather` raises
 * `CancelledError` even with `return_exceptions=True`).
 *
 * @example
 * ```ts
 * const [user, posts] = await gather([fetchUser(id), () => fetchPosts(id)]);
 * const results = await gather(urls.map((u) => () => fetch(u)), { returnExceptions: true });
 * ```
 */
export function gather<T extends readonly unknown[] | []>(
  inputs: T,
  options: GatherOptions & { returnExceptions: true },
): Promise<GatherSettled<T>>;
export function gather<T extends readonly unknown[] | []>(
  inputs: T,
  options?: GatherOptions & { returnExceptions?: false },
): Promise<GatherResults<T>>;
export function gather<I>(
  inputs: Iterable<I>,
  options: GatherOptions & { returnExceptions: true },
): Promise<Array<GatherResult<I> | Error>>;
export function gather<I>(
  inputs: Iterable<I>,
  options?: GatherOptions & { returnExceptions?: false },
): Promise<Array<GatherResult<I>>>;
export function gather<T>(
  inputs: Iterable<Awaitable<T>>,
  options?: GatherOptions,
): Promise<Array<T | Error>>;
export function gather(inputs: Iterable<unknown>, options?: GatherOptions): Promise<unknown[]> {
  let opts: GatherOptions;
  let signal: AbortSignal | undefined;
  let list: unknown[];
  let returnExceptions: boolean;
  try {
    opts = validateOptions<GatherOptions>('options', options);
    signal = validateSignal('signal', opts.signal);
    returnExceptions = validateBoolean('returnExceptions', opts.returnExceptions, false);
    if (
      inputs === null ||
      typeof inputs !== 'object' ||
      typeof (inputs as Iterable<unknown>)[Symbol.iterator] !== 'function'
    ) {
      throw new TypeError(optionMessage('inputs', 'an iterable of promises or functions', inputs));
    }
    list = Array.isArray(inputs) ? inputs : Array.from(inputs);
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  const n = list.length;
  const results = new Array<unknown>(n);
  if (n === 0) return Promise.resolve(results);

  return new Promise<unknown[]>((resolve, reject) => {
    let remaining = n;
    let done = false;
    // results produced in the same turn as the abort still complete the gather
    const removeAbort = onAbort(signal, () => {
      const reason = (signal as AbortSignal).reason;
      afterTurn(() => {
        if (done) return;
        done = true;
        reject(reason);
      });
    });
    const settle = (index: number, value: unknown): void => {
      results[index] = value;
      if (--remaining === 0 && !done) {
        done = true;
        removeAbort();
        resolve(results);
      }
    };
    const fail = (index: number, error: unknown): void => {
      if (done) return;
      // once the caller aborted, a failure is the input's answer to the abort (function
      // inputs got the signal): gather rejects with signal.reason itself, returnExceptions
      // or not; a value produced in the same turn still fills its slot
      if (signal?.aborted) {
        done = true;
        removeAbort();
        reject(signal.reason);
        return;
      }
      if (returnExceptions) {
        settle(index, error);
        return;
      }
      done = true;
      removeAbort();
      reject(error);
    };
    for (let i = 0; i < n; i++) {
      let item = list[i];
      if (typeof item === 'function') {
        try {
          item = item(signal);
        } catch (error) {
          fail(i, error);
          continue;
        }
      }
      if (isThenable(item)) {
        item.then(
          (value) => settle(i, value),
          (error) => fail(i, error),
        );
      } else {
        settle(i, item);
      }
    }
  });
}
