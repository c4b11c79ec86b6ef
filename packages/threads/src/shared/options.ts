import type { WaitOptions } from '@par/async';

export type { WaitOptions } from '@par/async';

import { validateOptions, validateSignal, validateTimeout } from '@par/async/internal';
import { canBlock, runAsync, runSync, type Steps } from './runtime.js';

/**
 * Options of a wait on a shared primitive (`acquire`, `hold`, `Event#wait`):
 * @par/async's {@link WaitOptions} plus Python's `blocking` flag. A `timeout`
 * that passes makes the call answer `false` (like Python's
 * `acquire(timeout=...)`; `hold()` throws `TimeoutError` instead), and `0`
 * tries once without waiting. On the main thread a `signal` abandons the wait
 * as soon as it aborts; a blocked worker thread cannot run abort listeners, so
 * there the signal is checked before the wait starts.
 *
 * @example
 * ```ts
 * lock.acquire({ timeout: 100 }); // false after 100 ms
 * lock.acquire({ blocking: false }); // try once
 * ```
 */
export interface SharedWaitOptions extends WaitOptions {
  /**
   * `false` is Python's `acquire(blocking=False)`: try once, never wait.
   * @default true
   */
  blocking?: boolean;
}

/** Parsed wait options: the timeout in ms (Infinity = none) and the signal. */
export interface ParsedWait {
  timeout: number;
  signal: AbortSignal | undefined;
}

/** Accepts an options object or, like Python's `wait(timeout)`, a bare number. */
export function parseWait(options: unknown): ParsedWait {
  const opts = typeof options === 'number' ? { timeout: options } : options;
  const o = validateOptions<SharedWaitOptions>('options', opts);
  const timeout = validateTimeout('timeout', o.timeout);
  const signal = validateSignal('signal', o.signal);
  if (o.blocking !== undefined && typeof o.blocking !== 'boolean') {
    throw new TypeError(`Expected \`blocking\` to be a boolean, got \`${String(o.blocking)}\``);
  }
  return {
    timeout: o.blocking === false ? 0 : (timeout ?? Number.POSITIVE_INFINITY),
    signal,
  };
}

/**
 * Runs `start()` (which validates and builds the algorithm) in the form this
 * thread allows, or always asynchronously with `forceAsync` (the `…Async` methods). On the main thread every failure, validation included, becomes
 * a rejection, so the promise-returning form never throws synchronously.
 */
export function perform<T>(
  start: () => { steps: Steps<T>; signal?: AbortSignal | undefined },
  forceAsync = false,
): T | Promise<T> {
  if (!forceAsync && canBlock()) {
    const { steps, signal } = start();
    signal?.throwIfAborted();
    return runSync(steps);
  }
  try {
    const { steps, signal } = start();
    return runAsync(steps, signal);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The synchronous or asynchronous form of a result, by thread. */
export type MaybePromise<T> = T | Promise<T>;

const resolvedTrue: Promise<boolean> = Promise.resolve(true);

/**
 * The answer of an acquire that succeeded without waiting, in the form this
 * thread expects (`true` in a worker, a resolved promise on the main thread or
 * for the `…Async` methods). The fast path skips option parsing and the generator.
 */
export function done(forceAsync = false): MaybePromise<boolean> {
  return !forceAsync && canBlock() ? true : resolvedTrue;
}
