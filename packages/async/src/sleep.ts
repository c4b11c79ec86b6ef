import { onAbort } from './abort.js';
import { clearTimer, setTimer, type Timer } from './timer.js';
import { validateNumber, validateOptions, validateSignal } from './validate.js';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /**
   * Cancels the sleep: the promise rejects with `signal.reason` and the timer is cleared.
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Resolves with `value` after `ms` milliseconds (`asyncio.sleep(delay, result)`).
 * `sleep(0)` yields to the event loop once. Uses the global `setTimeout`, so fake timers apply.
 *
 * @example
 * ```ts
 * await sleep(100);
 * const answer = await sleep(10, 42); // 42
 * await sleep(1000, undefined, { signal: AbortSignal.timeout(50) }); // rejects with a TimeoutError DOMException
 * ```
 */
export function sleep(ms: number, value?: undefined, options?: SleepOptions): Promise<void>;
export function sleep<T>(ms: number, value: T, options?: SleepOptions): Promise<T>;
export function sleep<T>(ms: number, value?: T, options?: SleepOptions): Promise<T | undefined> {
  try {
    validateNumber('ms', ms, { min: 0, allowInfinity: true });
    const opts = validateOptions<SleepOptions>('options', options);
    const signal = validateSignal('signal', opts.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T | undefined>((resolve, reject) => {
      let timer: Timer | undefined;
      const removeAbort = onAbort(signal, () => {
        if (timer !== undefined) clearTimer(timer);
        reject((signal as AbortSignal).reason);
      });
      // Infinity never fires (setTimeout would clamp it to 1 ms)
      if (ms !== Number.POSITIVE_INFINITY) {
        timer = setTimer(() => {
          removeAbort();
          resolve(value);
        }, ms);
      }
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
