// The lazy, bounded stream behind every `imap`: the input is read in chunks, at
// most `bufferSize` items are in flight, results come out in input order (or as
// chunks complete), and what is still pending is cancelled when the consumer leaves
// the loop or the signal aborts. The local pools (src/map.ts) and @par/cluster's
// pool run it with their own way of submitting a chunk.

import { CancelledError } from '@par/async';
import { Deque, isAsyncIterable } from '@par/async/internal';
import { batchPolicy } from './batch-policy.js';

/** @internal One submitted chunk, as the pool that runs it represents it. */
export interface ChunkJob {
  /** Settles with the chunk's results (an array-like, one per item) or its error. */
  readonly promise: Promise<unknown>;
}

/** @internal What a pool gives {@link chunkStream}. */
export interface ChunkStreamSpec<J extends ChunkJob> {
  /** The input, already checked to be an iterable or async iterable. */
  iterable: unknown;
  /** Results in input order (`imap`) or as chunks complete (`imapUnordered`). */
  ordered: boolean;
  /** Every item must be an array of arguments (`istarmap`). */
  star: boolean;
  /** Items per chunk; `'auto'` follows the engine's {@link batchPolicy}. */
  chunkSize: number | 'auto';
  /** The most items read and not yet consumed; `undefined`: 4 × workers × chunk, at least 64. */
  bufferSize: number | undefined;
  /** How many calls the pool runs at once (sizes the chunks). */
  workers: number;
  signal: AbortSignal | undefined;
  /** Sends one chunk. */
  submit(items: unknown[]): J;
  /** How long a finished chunk ran (ms), which adaptive chunk sizes follow. */
  runMs(job: J): number;
  /** Cancels chunks nobody will consume any more (called at most once, with `reason`). */
  cancel(jobs: J[], reason: unknown): void;
  /** Backpressure (a pool with `maxQueue`): each chunk waits until the pool has room. */
  room?: {
    /** Whether the pool takes another chunk now. */
    has(): boolean;
    /** Resolves when {@link has} may have become true. */
    when(): Promise<void>;
  };
}

interface Pending<J> {
  job: J;
  count: number;
  values: ArrayLike<unknown> | undefined;
  error: unknown;
  done: boolean;
}

/**
 * @internal Runs an `imap` over `spec`. Chunk sizes: a fixed `chunkSize`; for an
 * array, Python's `ceil(n / (4 × workers))`; for a stream of unknown length,
 * chunks start at one item and follow the run times the workers report
 * ({@link BatchPolicy.nextChunk}).
 */
export async function* chunkStream<J extends ChunkJob>(
  spec: ChunkStreamSpec<J>,
): AsyncGenerator<unknown, void, undefined> {
  const { iterable, ordered, star, signal, workers, room } = spec;
  signal?.throwIfAborted();
  const asyncInput = isAsyncIterable(iterable);
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = asyncInput
    ? iterable[Symbol.asyncIterator]()
    : (iterable as Iterable<unknown>)[Symbol.iterator]();
  const knownLength = Array.isArray(iterable) ? iterable.length : undefined;
  const adaptive = spec.chunkSize === 'auto' && knownLength === undefined;
  let chunk =
    spec.chunkSize === 'auto'
      ? knownLength === undefined
        ? 1
        : batchPolicy.autoChunkSize(knownLength, workers)
      : spec.chunkSize;
  const buffer = () => spec.bufferSize ?? Math.max(64, 4 * workers * chunk);
  const maxAdaptiveChunk = batchPolicy.maxAdaptiveChunk(spec.bufferSize, workers);
  const pending = new Deque<Pending<J>>();
  const completed = new Deque<Pending<J>>();
  let wake: (() => void) | undefined;
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  let inFlight = 0;
  let exhausted = false;
  let aborted = false;
  let abortReason: unknown;
  let cancelled = false;
  /** Cancels the chunks not finished yet, once. */
  const cancelPending = (reason: unknown) => {
    if (cancelled) return;
    cancelled = true;
    const open: J[] = [];
    for (const entry of pending) if (!entry.done) open.push(entry.job);
    if (open.length > 0) spec.cancel(open, reason);
  };
  const onAbort = () => {
    aborted = true;
    abortReason = signal?.reason;
    // the chunks stop at once, whether or not the consumer is waiting for the next item
    cancelPending(abortReason);
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const submit = (items: unknown[]) => {
    const entry: Pending<J> = {
      job: spec.submit(items),
      count: items.length,
      values: undefined,
      error: undefined,
      done: false,
    };
    // handles the rejection too: a chunk nobody consumes never rejects unhandled
    entry.job.promise.then(
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

  try {
    for (;;) {
      if (aborted) throw abortReason;
      while (!exhausted && inFlight < buffer()) {
        // backpressure: the next chunk waits until the pool has room
        while (!aborted && room !== undefined && !room.has()) {
          await Promise.race([room.when(), sleep()]);
          wake = undefined;
        }
        if (aborted) throw abortReason;
        const items: unknown[] = [];
        while (items.length < chunk) {
          const r = asyncInput
            ? await (iterator as AsyncIterator<unknown>).next()
            : (iterator as Iterator<unknown>).next();
          if (aborted) throw abortReason;
          if (r.done) {
            exhausted = true;
            break;
          }
          if (star && !Array.isArray(r.value)) {
            throw new TypeError('starmap: every item must be an array of arguments');
          }
          items.push(r.value);
        }
        if (items.length === 0) break;
        submit(items);
      }
      if (pending.length === 0) return;
      let entry: Pending<J>;
      if (ordered) {
        entry = pending.peek() as Pending<J>;
        while (!entry.done && !aborted) {
          await sleep();
          wake = undefined;
        }
        if (aborted) throw abortReason;
        pending.shift();
      } else {
        while (completed.length === 0 && !aborted) {
          await sleep();
          wake = undefined;
        }
        if (aborted) throw abortReason;
        entry = completed.shift() as Pending<J>;
        pending.remove(entry);
      }
      if (entry.error !== undefined || entry.values === undefined) throw entry.error;
      if (adaptive) {
        chunk = batchPolicy.nextChunk(chunk, spec.runMs(entry.job), entry.count, maxAdaptiveChunk);
      }
      const values = entry.values;
      for (let i = 0; i < values.length; i++) {
        inFlight--;
        yield values[i];
        if (aborted) throw abortReason;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    cancelPending(aborted ? abortReason : new CancelledError('The consumer left the loop'));
    if (!exhausted) {
      try {
        await (iterator as AsyncIterator<unknown>).return?.();
      } catch {
        // the input's own cleanup failed; the loop's outcome stands
      }
    }
  }
}
