// imap / imapUnordered over a cluster pool: the input is read lazily in chunks
// (one job per chunk), with a bounded number of items in flight.

import { CancelledError } from '@par/async';
import { validateInteger, validateOptions } from '@par/async/internal';
import { batchPolicy } from '@par/core/internal';
import type { ClusterPool } from './cluster-pool.js';
import { checkIterable } from './iterable.js';
import { JobKind } from './wire.js';

/** Options of `map` / `starmap` on a cluster pool. */
export interface ClusterMapOptions {
  /**
   * Items per job. `'auto'`: Python's `ceil(n / (4 × workers))` when the length is
   * known (workers: the live capacity, or the pool's `workers` option); for streams,
   * chunks start at 1 item and follow the run times the workers report, as the
   * local pools' do (toward 10 ms of work per chunk, at most doubling per chunk, up
   * to 4096 items or `bufferSize / (2 × workers)`).
   * @default 'auto'
   */
  chunkSize?: number | 'auto';
  /** Aborting rejects with `signal.reason` and cancels the pending chunks. */
  signal?: AbortSignal;
  /** Running-time limit per chunk in ms. */
  timeout?: number;
}

/** Options of `imap` / `imapUnordered` on a cluster pool. */
export interface ClusterIMapOptions extends ClusterMapOptions {
  /**
   * The most items read from the input and not yet consumed.
   * @default 4 × workers × chunk size (at least 64)
   */
  bufferSize?: number;
}

interface Pending {
  promise: Promise<unknown>;
  count: number;
  values: ArrayLike<unknown> | undefined;
  error: unknown;
  done: boolean;
}

/** @internal */
export function streamMap(
  pool: ClusterPool,
  task: unknown,
  iterable: unknown,
  options: ClusterIMapOptions | undefined,
  ordered: boolean,
): AsyncIterableIterator<unknown> {
  return stream(pool, task, iterable, options, ordered);
}

async function* stream(
  pool: ClusterPool,
  task: unknown,
  iterable: unknown,
  options: ClusterIMapOptions | undefined,
  ordered: boolean,
): AsyncIterableIterator<unknown> {
  const o = validateOptions<ClusterIMapOptions>('options', options);
  let fixedChunk: number | undefined;
  if (o.chunkSize !== undefined && o.chunkSize !== 'auto') {
    fixedChunk = validateInteger('chunkSize', o.chunkSize, { min: 1 });
  }
  const bufferOption =
    o.bufferSize === undefined
      ? undefined
      : validateInteger('bufferSize', o.bufferSize, { min: 1 });
  const call = pool._callOptions({ signal: o.signal, timeout: o.timeout });
  const isAsync = checkIterable(iterable);
  pool._validateTask(task);
  const signal = call.signal;
  signal?.throwIfAborted();
  const workers = await pool._capacity();
  const knownLength = Array.isArray(iterable) ? iterable.length : undefined;
  let chunk =
    fixedChunk ?? (knownLength === undefined ? 1 : batchPolicy.autoChunkSize(knownLength, workers));
  const adaptive = fixedChunk === undefined && knownLength === undefined;
  // the engine's policy: chunks follow the run times the workers report, toward the
  // engine's target per chunk, up to its bound (two chunks per worker in a bufferSize)
  const maxChunk = batchPolicy.maxAdaptiveChunk(bufferOption, workers);
  const buffer = () => bufferOption ?? Math.max(64, 4 * workers * chunk);
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = isAsync
    ? (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (iterable as Iterable<unknown>)[Symbol.iterator]();
  const controller = new AbortController();
  const onAbort = () => {
    controller.abort(signal?.reason);
    wake?.();
  };
  const unwatch = signal === undefined ? undefined : pool._onAbort(signal, onAbort);
  const pending: Pending[] = [];
  const completed: Pending[] = [];
  let wake: (() => void) | undefined;
  let inFlight = 0;
  let exhausted = false;
  const aborted = () => signal?.aborted === true;

  const submit = (items: unknown[]) => {
    const count = items.length;
    const entry: Pending = {
      promise: pool._submit(task, [items], JobKind.Chunk, {
        signal: controller.signal,
        timeout: call.timeout,
        onRunMs: adaptive
          ? (ms) => {
              chunk = batchPolicy.nextChunk(chunk, ms, count, maxChunk);
            }
          : undefined,
      }),
      count: items.length,
      values: undefined,
      error: undefined,
      done: false,
    };
    entry.promise.then(
      (values) => {
        entry.values = values as ArrayLike<unknown>;
        entry.done = true;
        if (!ordered) completed.push(entry);
        wake?.();
      },
      (error: unknown) => {
        entry.error = error;
        entry.done = true;
        if (!ordered) completed.push(entry);
        wake?.();
      },
    );
    pending.push(entry);
    inFlight += items.length;
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  try {
    for (;;) {
      if (aborted()) throw signal?.reason;
      while (!exhausted && inFlight < buffer()) {
        const items: unknown[] = [];
        while (items.length < chunk) {
          const r = isAsync
            ? await (iterator as AsyncIterator<unknown>).next()
            : (iterator as Iterator<unknown>).next();
          if (aborted()) throw signal?.reason;
          if (r.done) {
            exhausted = true;
            break;
          }
          items.push(r.value);
        }
        if (items.length === 0) break;
        submit(items);
      }
      if (pending.length === 0) return;
      let entry: Pending;
      if (ordered) {
        entry = pending[0] as Pending;
        while (!entry.done && !aborted()) {
          await sleep();
          wake = undefined;
        }
        if (aborted()) throw signal?.reason;
        pending.shift();
      } else {
        while (completed.length === 0 && !aborted()) {
          await sleep();
          wake = undefined;
        }
        if (aborted()) throw signal?.reason;
        entry = completed.shift() as Pending;
        pending.splice(pending.indexOf(entry), 1);
      }
      if (entry.values === undefined) throw entry.error;
      const values = entry.values;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        inFlight--;
        yield value;
        if (aborted()) throw signal?.reason;
      }
    }
  } finally {
    unwatch?.();
    if (pending.length > 0) {
      controller.abort(
        aborted() ? signal?.reason : new CancelledError('The consumer left the loop'),
      );
      // the chunks still pending reject with that reason: nobody consumes them any more
      for (const entry of pending) entry.promise.catch(() => undefined);
    }
    if (!exhausted) {
      try {
        await (iterator as AsyncIterator<unknown>).return?.();
      } catch {
        // the input's own cleanup failed; the loop's outcome stands
      }
    }
  }
}
