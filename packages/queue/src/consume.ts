import type { Deferred } from '@par/async/internal';
import {
  deferred,
  optionMessage,
  validateFunction,
  validateInteger,
  validateOptions,
  validateSignal,
} from '@par/async/internal';
import { isQueueShutDown } from './errors.js';
import type { ConsumableQueue } from './queue-like.js';

/** Options of {@link consume}. */
export interface ConsumeOptions<T> {
  /**
   * How many handlers may run at once (the number of "worker threads").
   * A positive integer or `Infinity`.
   * @default 1
   * @example
   * ```ts
   * await consume(queue, download, { concurrency: 4 });
   * ```
   */
  concurrency?: number;
  /**
   * Stops taking items. Handlers already running receive the aborted signal
   * (their second argument) and `consume` resolves once they have settled.
   * Items still queued stay in the queue.
   * @default undefined
   * @example
   * ```ts
   * await consume(queue, handle, { signal: AbortSignal.timeout(60_000) });
   * ```
   */
  signal?: AbortSignal;
  /**
   * Receives each handler failure with its item. Without it, failures are
   * collected and `consume` rejects at the end with an `AggregateError` of them.
   * An error thrown by `onError` itself is collected that way.
   * @default undefined
   * @example
   * ```ts
   * await consume(queue, handle, { onError: (error, item) => log.warn({ error, item }) });
   * ```
   */
  onError?: (error: unknown, item: T) => void;
}

/**
 * Runs `handler` on the items of `queue` with at most `concurrency` running at
 * once: the "worker threads draining a queue" pattern of Python's `queue`
 * module, without writing the loop.
 *
 * - Each item is marked with `taskDone()` after its handler settles, whether it
 *   succeeded or failed, so `queue.join()` tells when everything put so far has
 *   been handled.
 * - A failing handler does not stop the others. Failures go to `onError` when
 *   given; otherwise they are collected and `consume` rejects at the end with an
 *   `AggregateError` whose `errors` are the failures in the order they happened.
 * - It resolves when the queue is shut down and drained (`get` rejects with
 *   `QueueShutDown`), or when `signal` aborts, after the running handlers settle.
 *
 * @param queue - a {@link Queue} (or anything with its `get` and `taskDone`).
 * @param handler - called as `handler(item, signal)`; `signal` is `options.signal`
 *   or, when none was given, a signal that never aborts.
 * @example
 * ```ts
 * const queue = new Queue<string>();
 * const done = consume(queue, async (url, signal) => fetch(url, { signal }), {
 *   concurrency: 3,
 * });
 * for (const url of urls) await queue.put(url);
 * queue.shutdown(); // consumers finish the queued urls, then stop
 * await done;
 * ```
 */
export async function consume<T>(
  queue: ConsumableQueue<T>,
  handler: (item: T, signal: AbortSignal) => unknown,
  options?: ConsumeOptions<T>,
): Promise<void> {
  if (typeof queue !== 'object' || queue === null || typeof queue.get !== 'function') {
    throw new TypeError(optionMessage('queue', 'a queue with a get() method', queue));
  }
  if (typeof handler !== 'function') {
    throw new TypeError(optionMessage('handler', 'a function', handler));
  }
  const opts = validateOptions<ConsumeOptions<T>>('options', options);
  const concurrency =
    opts.concurrency === undefined
      ? 1
      : validateInteger('concurrency', opts.concurrency, { min: 1, allowInfinity: true });
  const signal = validateSignal('signal', opts.signal);
  const onError = validateFunction<(error: unknown, item: T) => void>('onError', opts.onError);
  const handlerSignal = signal ?? new AbortController().signal;
  const getOptions = signal === undefined ? undefined : { signal };
  const errors: unknown[] = [];
  let active = 0;
  // resolved when a handler settles (a slot frees up) or the signal aborts
  let slot: Deferred<void> | undefined;
  // resolved when the last running handler settles
  let idle: Deferred<void> | undefined;

  const fail = (error: unknown, item: T): void => {
    if (onError === undefined) {
      errors.push(error);
      return;
    }
    try {
      onError(error, item);
    } catch (onErrorFailure) {
      errors.push(onErrorFailure);
    }
  };
  const settle = (item: T, failed: boolean, error: unknown): void => {
    if (failed) fail(error, item);
    try {
      queue.taskDone?.();
    } catch (taskDoneFailure) {
      errors.push(taskDoneFailure);
    }
    active--;
    if (slot !== undefined) {
      const s = slot;
      slot = undefined;
      s.resolve();
    }
    if (active === 0 && idle !== undefined) idle.resolve();
  };
  const run = (item: T): void => {
    active++;
    let result: unknown;
    try {
      result = handler(item, handlerSignal);
    } catch (error) {
      settle(item, true, error);
      return;
    }
    // Promise.resolve adopts any thenable as `await` does; one whose `then` throws (or
    // whose `then` getter throws) fails that item like a rejection, never the loop
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(result);
    } catch (error) {
      settle(item, true, error);
      return;
    }
    settled.then(
      () => settle(item, false, undefined),
      (error: unknown) => settle(item, true, error),
    );
  };
  const onAbort = (): void => {
    if (slot !== undefined) {
      const s = slot;
      slot = undefined;
      s.resolve();
    }
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  let getFailure: { error: unknown } | undefined;
  try {
    while (signal === undefined || !signal.aborted) {
      if (active >= concurrency) {
        slot = deferred<void>();
        await slot.promise;
        continue;
      }
      let item: T;
      try {
        item = await queue.get(getOptions);
      } catch (error) {
        if (isQueueShutDown(error) || (signal?.aborted && error === signal.reason)) break;
        getFailure = { error };
        break;
      }
      // An item that arrives together with an abort was delivered to us: it
      // is handled, never dropped.
      run(item);
    }
    if (active > 0) {
      idle = deferred<void>();
      await idle.promise;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (getFailure !== undefined) throw getFailure.error;
  if (errors.length > 0) {
    throw new AggregateError(
      errors,
      `${errors.length} consume() handler${errors.length === 1 ? '' : 's'} failed`,
    );
  }
}
