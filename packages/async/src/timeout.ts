import { isThenable, onAbort } from './abort.js';
import { TimeoutError } from './errors.js';
import { afterTurn } from './settle-window.js';
import { clearTimer, setTimer, type Timer } from './timer.js';
import { optionMessage, validateNumber, validateOptions, validateSignal } from './validate.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /**
   * Cancels early: aborts the signal given to `fn` at once and rejects with
   * `signal.reason` itself (also when `fn` answers the abort with an error of its
   * own, such as an `AbortError`).
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Bounds `work` by `ms` milliseconds (`asyncio.timeout` / `wait_for`). At the
 * deadline the returned promise rejects with a {@link TimeoutError} whatever the
 * work does afterwards, and, when `work` is a function, the signal it was given
 * aborts (with that TimeoutError as reason) so it can stop: the work's answer to
 * that abort (an `AbortError`, a fallback value) is ignored. `Infinity` means no limit.
 *
 * A result already produced is never dropped (as with Python's `asyncio.timeout`):
 * when the work settles in the same turn of the event loop as the deadline or the
 * abort (a queue `get` handed its item just before), its outcome stands.
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
    let expiring = false;
    let timer: Timer | undefined;
    const disarm = (): void => {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
      removeAbort();
    };
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      disarm();
      return true;
    };
    // the caller aborted: from then on the work's failure is reported as signal.reason
    let aborted = false;
    // the deadline: a result the work already produced in this turn still wins; then
    // the TimeoutError is delivered, and only then the work's signal aborts, so what
    // the work does in answer to that abort (an AbortError, a fallback value) is ignored
    const expire = (reason: unknown): void => {
      if (settled || expiring) return;
      expiring = true;
      disarm();
      afterTurn(() => {
        if (end()) reject(reason);
        controller?.abort(reason);
      });
    };
    // the caller's abort stops the work at once (a queue get gives up its place before
    // the caller's next put); a value the work produced in this turn still wins, a
    // failure is the abort's: the rejection is signal.reason itself
    const cancel = (reason: unknown): void => {
      if (settled || expiring) return;
      expiring = true;
      aborted = true;
      disarm();
      controller?.abort(reason);
      afterTurn(() => {
        if (end()) reject(reason);
      });
    };
    const removeAbort = onAbort(signal, () => cancel((signal as AbortSignal).reason));
    if (ms !== Number.POSITIVE_INFINITY) {
      timer = setTimer(() => {
        timer = undefined;
        expire(new TimeoutError(`Timed out after ${ms} ms`));
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
        if (end()) reject(aborted ? (signal as AbortSignal).reason : error);
      },
    );
  });
}
