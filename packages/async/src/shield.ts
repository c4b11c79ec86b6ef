import { noop, onAbort } from './abort.js';
import { afterTurn } from './settle-window.js';
import { validateOptions, validateSignal } from './validate.js';

/** Options of {@link shield}. */
export interface ShieldOptions {
  /**
   * Stops waiting for the work (the returned promise rejects with `signal.reason`)
   * without stopping the work itself.
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Protects work from cancellation (`asyncio.shield`): `work` (a promise, or a
 * function started without any signal) runs to the end even when the caller
 * stops waiting — through `signal`, or because an enclosing `timeout()` or
 * `TaskGroup` gave up. A failure of the shielded work after nobody waits any more
 * never becomes an unhandled rejection. When the work settles in the same turn as
 * the abort, its outcome stands.
 *
 * @example
 * ```ts
 * // the write completes even if the request times out
 * await timeout(1000, shield(() => saveToDisk(data)));
 * ```
 */
export function shield<T>(
  work: PromiseLike<T> | (() => T | PromiseLike<T>),
  options?: ShieldOptions,
): Promise<Awaited<T>> {
  let signal: AbortSignal | undefined;
  let inner: Promise<Awaited<T>>;
  try {
    const opts = validateOptions<ShieldOptions>('options', options);
    signal = validateSignal('signal', opts.signal);
    inner = Promise.resolve(typeof work === 'function' ? work() : work) as Promise<Awaited<T>>;
  } catch (error) {
    return Promise.reject(error);
  }
  // the inner work outlives every waiter, so its failure must always be observed
  inner.catch(noop);
  if (signal === undefined) return inner.then();
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<Awaited<T>>((resolve, reject) => {
    // a result the work produced in the same turn as the abort still wins
    const removeAbort = onAbort(signal, () => {
      const reason = (signal as AbortSignal).reason;
      afterTurn(() => reject(reason));
    });
    inner.then(
      (value) => {
        removeAbort();
        resolve(value);
      },
      (error: unknown) => {
        removeAbort();
        reject(error);
      },
    );
  });
}
