// delayed(fn)(...args): captures a call as plain data, like joblib's
// delayed(f)(*args) -> (f, args, kwargs).

import { optionMessage } from '@par/async/internal';
import { isTaskRef, type TaskRef } from '@par/core';
import type { DelayedCall } from './backend.js';

/**
 * Captures `fn(...args)` without running it, for `Parallel`. `fn` is a task
 * reference (`tasks(new URL('./tasks.js', import.meta.url)).name`), a
 * self-contained function (its source is shipped to the workers), or — with the
 * `'async'` and `'sequential'` backends and `nJobs: 1` — any function.
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const squares = await Parallel({ nJobs: 2 })([1, 2, 3].map((x) => delayed(t.square)(x)));
 * ```
 */
export function delayed<A extends unknown[], R>(
  fn: TaskRef<A, R>,
): (...args: A) => DelayedCall<A, Awaited<R>>;
export function delayed<A extends unknown[], R>(
  fn: (...args: A) => R,
): (...args: A) => DelayedCall<A, Awaited<R>>;
export function delayed(fn: unknown): (...args: unknown[]) => DelayedCall {
  if (typeof fn !== 'function' && !isTaskRef(fn)) {
    throw new TypeError(
      optionMessage('fn', 'a function or a task reference (tasks(url).name)', fn),
    );
  }
  return (...args: unknown[]) => ({ fn, args });
}
