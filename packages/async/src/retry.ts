import { sleep } from './sleep.js';
import {
  optionMessage,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOptions,
  validateSignal,
} from './validate.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /**
   * How many times to retry after the first attempt (so `retries + 1` attempts at most):
   * an integer >= 0 or `Infinity`.
   * @default 10
   */
  retries?: number;
  /**
   * Milliseconds before the first retry.
   * @default 1000
   */
  minTimeout?: number;
  /**
   * The longest wait between attempts, in milliseconds (or `Infinity`).
   * @default Infinity
   */
  maxTimeout?: number;
  /**
   * The backoff factor: the wait before retry n is `minTimeout * factor ** (n - 1)`, capped by `maxTimeout`.
   * @default 2
   */
  factor?: number;
  /**
   * Randomize each wait by multiplying it with a number from [1, 2) (p-retry's
   * `randomize`), so that many clients do not retry in lockstep.
   * @default false
   */
  jitter?: boolean;
  /**
   * Decides whether to retry after a failure; return `false` to give up and reject
   * with that error at once. Called only while retries remain.
   * @default () => true
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean | PromiseLike<boolean>;
  /**
   * Called after every failed attempt (before `shouldRetry`), for logging.
   * @default undefined
   */
  onFailedAttempt?: (error: unknown, attempt: number) => void | PromiseLike<void>;
  /**
   * Stops retrying: rejects with `signal.reason`, also during a wait. Passed on to `fn`.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * The random source for `jitter`, a function returning [0, 1).
   * @default Math.random
   */
  random?: () => number;
}

/**
 * Calls `fn(attempt, signal)` (attempt counts from 1) until it succeeds, waiting
 * with exponential backoff between attempts (p-retry's semantics). After the last
 * attempt, or when `shouldRetry` says no, rejects with the last error itself.
 * Waits use the global `setTimeout`, so fake timers drive them in tests.
 *
 * @example
 * ```ts
 * const res = await retry(async (attempt) => {
 *   const r = await fetch(url);
 *   if (r.status >= 500) throw new Error(`HTTP ${r.status}`);
 *   return r.json();
 * }, { retries: 5, minTimeout: 200, factor: 2, jitter: true });
 * ```
 */
export async function retry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => T | PromiseLike<T>,
  options?: RetryOptions,
): Promise<Awaited<T>> {
  const opts = validateOptions<RetryOptions>('options', options);
  validateFunction('fn', fn);
  if (fn === undefined) throw new TypeError(optionMessage('fn', 'a function', fn));
  const retries = validateInteger('retries', opts.retries ?? 10, { min: 0, allowInfinity: true });
  const minTimeout = validateNumber('minTimeout', opts.minTimeout ?? 1000, { min: 0 });
  const maxTimeout = validateNumber('maxTimeout', opts.maxTimeout ?? Number.POSITIVE_INFINITY, {
    min: 0,
    allowInfinity: true,
  });
  if (maxTimeout < minTimeout) {
    throw new RangeError(
      optionMessage('maxTimeout', `a number >= minTimeout (${minTimeout})`, maxTimeout),
    );
  }
  const factor = validateNumber('factor', opts.factor ?? 2, { min: 1 });
  if (opts.jitter !== undefined && typeof opts.jitter !== 'boolean') {
    throw new TypeError(optionMessage('jitter', 'a boolean', opts.jitter));
  }
  const shouldRetry = validateFunction<NonNullable<RetryOptions['shouldRetry']>>(
    'shouldRetry',
    opts.shouldRetry,
  );
  const onFailedAttempt = validateFunction<NonNullable<RetryOptions['onFailedAttempt']>>(
    'onFailedAttempt',
    opts.onFailedAttempt,
  );
  const random = validateFunction<() => number>('random', opts.random) ?? Math.random;
  const signal = validateSignal('signal', opts.signal);

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(attempt, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      await onFailedAttempt?.(error, attempt);
      if (attempt > retries) throw error;
      if (shouldRetry !== undefined && !(await shouldRetry(error, attempt))) throw error;
      const base = minTimeout * factor ** (attempt - 1);
      const delay = Math.min(maxTimeout, opts.jitter === true ? base * (1 + random()) : base);
      await sleep(Math.round(delay), undefined, { signal });
    }
  }
}
