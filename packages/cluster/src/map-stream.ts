// imap / imapUnordered over a cluster pool: the input is read lazily in chunks
// (one job per chunk), with a bounded number of items in flight.

import { checkIterable, validateInteger, validateOptions } from '@par/async/internal';
import { chunkStream } from '@par/core/internal';
import type { ClusterPool } from './cluster-pool.js';
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

/** A chunk job, with the run time its worker reported (adaptive chunks follow it). */
interface RemoteChunk {
  promise: Promise<unknown>;
  ms: number;
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
  const bufferSize =
    o.bufferSize === undefined
      ? undefined
      : validateInteger('bufferSize', o.bufferSize, { min: 1 });
  const call = pool._callOptions({ signal: o.signal, timeout: o.timeout });
  checkIterable(iterable);
  pool._validateTask(task);
  // before asking Redis for the workers, as run() does
  pool._checkOpen();
  call.signal?.throwIfAborted();
  // every chunk job carries this signal: cancelling the stream's chunks aborts it
  const controller = new AbortController();
  // the engine's stream, with chunks as jobs: the same reading, bounds, order and
  // chunk sizes as the local pools' imap
  yield* chunkStream<RemoteChunk>({
    iterable,
    ordered,
    star: false,
    chunkSize: fixedChunk ?? 'auto',
    bufferSize,
    workers: await pool._capacity(call.signal),
    signal: call.signal,
    submit: (items, offset) => {
      const job: RemoteChunk = { promise: Promise.resolve(), ms: Number.NaN };
      job.promise = pool._submit(task, [items], JobKind.Chunk, {
        signal: controller.signal,
        timeout: call.timeout,
        start: offset,
        onRunMs: (ms) => {
          job.ms = ms;
        },
      });
      return job;
    },
    runMs: (job) => job.ms,
    cancel: (_jobs, reason) => controller.abort(reason),
  });
}
