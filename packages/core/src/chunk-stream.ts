// The lazy, bounded stream behind every `imap`: the input is read in chunks, at
// most `bufferSize` items are in flight, results come out in input order (or as
// chunks complete), and what is still pending is cancelled when the consumer leaves
// the loop or the signal aborts. The local pools (src/map.ts) and @par/cluster's
// pool run it with their own way of submitting a chunk.

import { CancelledError } from '@par/async';
import { closeInput, Deque, isAsyncIterable } from '@par/async/internal';
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
  /** Sends one chunk; `offset` is the position of its first item in the input. */
  submit(items: unknown[], offset: number): J;
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
  /** `undefined`: the input's failure, at the position it failed. */
  job: J | undefined;
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
 *
 * Reading the input and handing out results go on side by side, as in Python's
 * `Pool.imap` (whose input is read by a thread of its own): a finished result is
 * yielded without waiting for the input's next item, and the input is read (up to
 * `bufferSize` items ahead) while the consumer is busy with a result. A chunk still
 * filling is sent as soon as the consumer has no other result to wait for, so an
 * input that holds its next item back until a result is consumed does not
 * deadlock. An input that throws (or a `star` item that is not an array) fails the
 * stream at that position: the results before it come first, as in Python.
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
  /** Every entry not consumed yet, in input order. */
  const pending = new Deque<Pending<J>>();
  /** Unordered: the settled entries, in the order they settled. */
  const completed = new Deque<Pending<J>>();
  let wake: (() => void) | undefined;
  /** Wakes the consumer if it waits for something to change. */
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const changed = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  /** Items sent and not yet consumed. */
  let inFlight = 0;
  /** The input ended or failed: nothing more is read. */
  let inputDone = false;
  /** The input must be closed (`return()`) when the stream ends: it neither ended nor threw. */
  let inputOpen = true;
  /** An async input's `next()` is pending. */
  let reading = false;
  /** Waiting for the pool to have room before the next chunk. */
  let roomWait = false;
  /** Async input: the items read for the chunk being filled. */
  let partial: unknown[] = [];
  /** The stream ended (or aborted): nothing more is read or sent. */
  let stopped = false;
  let aborted = false;
  let abortReason: unknown;
  let cancelled = false;
  /** Cancels the chunks not finished yet, once. */
  const cancelPending = (reason: unknown) => {
    if (cancelled) return;
    cancelled = true;
    const open: J[] = [];
    for (const entry of pending) if (!entry.done) open.push(entry.job as J);
    if (open.length > 0) spec.cancel(open, reason);
  };
  const onAbort = () => {
    aborted = true;
    stopped = true;
    abortReason = signal?.reason;
    // the chunks stop at once, whether or not the consumer is waiting for the next item
    cancelPending(abortReason);
    notify();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  let submittedItems = 0;
  const submit = (items: unknown[]) => {
    const offset = submittedItems;
    submittedItems += items.length;
    const entry: Pending<J> = {
      job: spec.submit(items, offset),
      count: items.length,
      values: undefined,
      error: undefined,
      done: false,
    };
    const job = entry.job as J;
    // handles the rejection too: a chunk nobody consumes never rejects unhandled
    job.promise.then(
      (values) => {
        entry.values = values as ArrayLike<unknown>;
        entry.done = true;
        if (!ordered) completed.push(entry);
        notify();
      },
      (error: unknown) => {
        entry.error = error;
        entry.done = true;
        if (!ordered) completed.push(entry);
        notify();
      },
    );
    pending.push(entry);
    inFlight += items.length;
  };
  /** Sends the chunk being filled. */
  const flush = () => {
    const items = partial;
    partial = [];
    submit(items);
  };
  /** The input ended: what was read goes, and the consumer learns it. */
  const endInput = () => {
    inputDone = true;
    inputOpen = false;
    if (partial.length > 0) flush();
    notify();
  };
  /**
   * The input failed (`threw`: its `next()` threw, so it is not closed, as `for…of`
   * would not close it): the items read before still run, and the stream fails
   * after their results, at the failure's position.
   */
  const failInput = (error: unknown, threw: boolean) => {
    inputDone = true;
    if (threw) inputOpen = false;
    if (partial.length > 0) flush();
    const entry: Pending<J> = { job: undefined, count: 0, values: undefined, error, done: true };
    pending.push(entry);
    if (!ordered) completed.push(entry);
    notify();
  };
  const starError = () => new TypeError('starmap: every item must be an array of arguments');
  /** Whether a new chunk may start: the read-ahead bound, then the pool's room. */
  const mayStartChunk = (): boolean => {
    if (inFlight >= buffer()) return false;
    if (room === undefined || room.has()) return true;
    // backpressure: the next chunk waits until the pool has room (the consumer does not)
    if (!roomWait) {
      roomWait = true;
      const retry = () => {
        roomWait = false;
        inBackground(fill);
      };
      room.when().then(retry, retry);
    }
    return false;
  };
  /**
   * Runs `step` of the reading outside the consumer's loop (an item arrived, the
   * pool has room): what it throws (a chunk the pool refused to take) fails the
   * stream there, as it would have in the loop.
   */
  const inBackground = (step: () => void) => {
    try {
      step();
    } catch (error) {
      if (!stopped) failInput(error, false);
    }
  };
  /** Adds an async input's item to the chunk being filled, and reads on. */
  const take = (step: IteratorResult<unknown>) => {
    if (step.done) {
      endInput();
      return;
    }
    if (star && !Array.isArray(step.value)) {
      failInput(starError(), false);
      return;
    }
    partial.push(step.value);
    if (partial.length >= chunk) flush();
    // a consumer with nothing else to wait for sends the chunk being filled
    else if (pending.length === 0) notify();
    fill();
  };
  /** An async input's `next()` settled. */
  const onStep = (step: IteratorResult<unknown>) => {
    reading = false;
    if (stopped) return;
    inBackground(() => take(step));
  };
  const onReadError = (error: unknown) => {
    reading = false;
    if (!stopped) failInput(error, true);
  };
  /**
   * Reads the input while the read-ahead bound and the pool's room allow: an
   * iterable a chunk at a time, synchronously; an async iterable one `next()` at a
   * time, in the background, so the consumer never waits for it.
   */
  const fill = (): void => {
    if (stopped || inputDone || reading) return;
    if (asyncInput) {
      if (partial.length === 0 && !mayStartChunk()) return;
      let next: PromiseLike<IteratorResult<unknown>>;
      try {
        next = (iterator as AsyncIterator<unknown>).next();
      } catch (error) {
        failInput(error, true);
        return;
      }
      reading = true;
      Promise.resolve(next).then(onStep, onReadError);
      return;
    }
    const sync = iterator as Iterator<unknown>;
    while (!inputDone && mayStartChunk()) {
      const items: unknown[] = [];
      while (items.length < chunk) {
        let r: IteratorResult<unknown>;
        try {
          r = sync.next();
        } catch (error) {
          partial = items;
          failInput(error, true);
          return;
        }
        if (r.done) {
          inputDone = true;
          inputOpen = false;
          // read after a wait for room, the end may be all the consumer waits for
          notify();
          break;
        }
        if (star && !Array.isArray(r.value)) {
          partial = items;
          failInput(starError(), false);
          return;
        }
        items.push(r.value);
      }
      if (items.length > 0) submit(items);
    }
  };

  try {
    for (;;) {
      if (aborted) throw abortReason;
      fill();
      let entry: Pending<J> | undefined;
      if (ordered) {
        if (pending.peek()?.done === true) entry = pending.shift();
      } else if (completed.length > 0) {
        entry = completed.shift() as Pending<J>;
        pending.remove(entry);
      }
      if (entry === undefined) {
        if (pending.length === 0) {
          // nothing else to wait for: the chunk being filled goes now (the input may
          // hold its next item back until this result is consumed)
          if (partial.length > 0) {
            flush();
            continue;
          }
          if (inputDone) return;
        }
        await changed();
        continue;
      }
      if (entry.error !== undefined || entry.values === undefined) throw entry.error;
      if (adaptive) {
        chunk = batchPolicy.nextChunk(
          chunk,
          spec.runMs(entry.job as J),
          entry.count,
          maxAdaptiveChunk,
        );
      }
      const values = entry.values;
      for (let i = 0; i < values.length; i++) {
        inFlight--;
        // an async input is read on while the consumer holds this result
        if (asyncInput) fill();
        yield values[i];
        if (aborted) throw abortReason;
      }
    }
  } finally {
    stopped = true;
    signal?.removeEventListener('abort', onAbort);
    cancelPending(aborted ? abortReason : new CancelledError('The consumer left the loop'));
    if (inputOpen) {
      inputOpen = false;
      // an async generator's return() waits for its pending next(), which may never
      // settle: then it is called, not awaited
      if (reading) closeInput(iterator);
      else {
        try {
          await (iterator as AsyncIterator<unknown>).return?.();
        } catch {
          // the input's own cleanup failed; the loop's outcome stands
        }
      }
    }
  }
}
