import { isThenable, onAbort } from './abort.js';
import { TimeoutError } from './errors.js';
import { optionMessage, validateNumber, validateOptions, validateSignal } from './validate.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /**
   * Cancels early: rejects with `signal.reason` and aborts the signal given to `fn`.
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Bounds `work` by `ms` milliseconds (`asyncio.timeout` / `wait_for`). At the
 * deadline the returned promise rejects with a {@link TimeoutError} whatever the
 * work does afterwards, and, when `work` is a function, the signal it was given
 * aborts (with that TimeoutError as reason) so it can stop. `Infinity` means no limit.
 *
 * @example
 * ```ts
 * const res = await timeout(5000, (signal) => fetch(url, { signal }));
 * const value = await timeout(100, somePromise); // the promise itself keeps running
 * ```
 */
export function timeout<T>(
  ms: number,
  work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
  options?: TimeoutOptions,
): Promise<Awaited<T>> {
  let signal: AbortSignal | undefined;
  try {
    validateNumber('ms', ms, { min: 0, allowInfinity: true });
    const opts = validateOptions<TimeoutOptions>('options', options);
    signal = validateSignal('signal', opts.signal);
    if (typeof work !== 'function' && !isThenable(work)) {
      throw new TypeError(optionMessage('work', 'a promise or a function', work));
    }
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise<Awaited<T>>((resolve, reject) => {
    const controller = typeof work === 'function' ? new AbortController() : undefined;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      removeAbort();
      return true;
    };
    const removeAbort = onAbort(signal, () => {
      if (!end()) return;
      const reason = (signal as AbortSignal).reason;
      controller?.abort(reason);
      reject(reason);
    });
    if (ms !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        timer = undefined;
        if (!end()) return;
        const error = new TimeoutError(`Timed out after ${ms} ms`);
        controller?.abort(error);
        reject(error);
      }, ms);
    }
    let promise: PromiseLike<T> | T;
    try {
      promise =
        typeof work === 'function'
          ? (work as (s: AbortSignal) => T | PromiseLike<T>)((controller as AbortController).signal)
          : work;
    } catch (error) {
      if (end()) reject(error);
      return;
    }
    Promise.resolve(promise).then(
      (value) => {
        if (end()) resolve(value as Awaited<T>);
      },
      (error: unknown) => {
        if (end()) reject(error);
      },
    );
  });
}
