// One run of Parallel over an input of delayed calls: reads the input lazily,
// groups calls into batches (fixed or joblib's auto size), keeps at most
// `preDispatch × batch size` calls read and not yet consumed, hands batches to
// the backend, and delivers results as an array or an async iterator. A call
// leaves the read-ahead when its result is handed over (array: when its batch
// completes; the generator modes: when the consumer takes it), and a batch counts
// for the auto batch size when its last result is handed over, timed from its
// dispatch: a stalled consumer stops the batch size, and with it the read-ahead,
// from growing. The first failure stops everything: pending calls are aborted
// through the backend.

import { CancelledError } from '@par/async';
import { Deque, isAsyncIterable, isIterable } from '@par/async/internal';
import { NotCloneableError } from '@par/core';
import { AutoBatcher } from './auto-batch.js';
import type { DelayedCall, ParallelBackend } from './backend.js';
import { annotateFailure } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { ProgressBar } from './progress-bar.js';
import { failedIndexOf, uncloneableArgumentOf } from './settle.js';
import { VerbosePrinter } from './verbose.js';

/** A batch's results waiting for the consumer (generator modes). */
interface Delivery {
  results: unknown[] | undefined;
  /** when the batch was dispatched (the options' clock) */
  t0: number;
}

interface Batch {
  start: number;
  calls: DelayedCall[];
  /** ordered mode: the slot its results go to */
  slot?: Delivery;
}

/**
 * The most calls read ahead of the consumer, whatever the batch size (unless
 * `preDispatch` asks for more): tiny calls that a consumer keeps up with grow
 * auto batches to tens of thousands, and `preDispatch × batch size` would
 * otherwise hold hundreds of thousands.
 */
const MAX_READ_AHEAD = 8_192;

interface Waiter {
  resolve(result: IteratorResult<unknown>): void;
  reject(error: unknown): void;
}

const noop = () => undefined;

function checkCall(value: unknown, index: number): DelayedCall {
  if (
    typeof value !== 'object' ||
    value === null ||
    !('fn' in value) ||
    !Array.isArray((value as DelayedCall).args)
  ) {
    throw new TypeError(
      `Expected item ${index} of the input to be a delayed call (delayed(fn)(...args)), got ${
        value === null ? 'null' : typeof value
      }`,
    );
  }
  return value as DelayedCall;
}

export type RunMode = 'array' | 'generator' | 'generator_unordered';

/** @internal */
export class Run {
  readonly #o: ResolvedOptions;
  readonly #backend: ParallelBackend;
  readonly #mode: RunMode;
  readonly #onEnd: (failed: boolean) => void;
  readonly #controller = new AbortController();
  readonly #printer: VerbosePrinter;
  readonly #bar: ProgressBar | undefined;
  readonly #batcher: AutoBatcher | undefined;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined;
  #asyncInput = false;
  #inputDone = false;
  #reading = false;
  #pumpAgain = false;
  #read = 0;
  #window = 0;
  #dispatchedBatches = 0;
  #dispatchedTasks = 0;
  #completed = 0;
  #knownTotal: number | undefined;
  #start = 0;
  #stopped = false;
  #ended = false;
  #error: { value: unknown } | undefined;
  #removeAbortListener: () => void = noop;
  // array mode
  #results: unknown[] = [];
  #resolveAll: (results: unknown[]) => void = noop;
  #rejectAll: (error: unknown) => void = noop;
  // generator modes
  // results waiting for the consumer, one entry per batch (not per call): ordered
  // mode keeps the batches in dispatch (= input) order, unordered in completion order
  readonly #pending = new Deque<Delivery>(64);
  #offset = 0;
  readonly #waiters: Waiter[] = [];
  #consumerDone = false;

  constructor(
    options: ResolvedOptions,
    backend: ParallelBackend,
    mode: RunMode,
    onEnd: (failed: boolean) => void,
  ) {
    this.#o = options;
    this.#backend = backend;
    this.#mode = mode;
    this.#onEnd = onEnd;
    this.#printer = new VerbosePrinter(`Parallel(nJobs=${options.label})`, options.verbose);
    this.#bar = options.progress ? new ProgressBar() : undefined;
    if (options.batchSize === 'auto') {
      this.#batcher = new AutoBatcher((d) => {
        this.#printer.batchSize(d.reason, d.duration, d.batchSize);
        options.onBatchSize?.(d);
      });
    }
  }

  /** Array mode: resolves with every result in input order. */
  all(input: unknown): Promise<unknown[]> {
    return new Promise<unknown[]>((resolve, reject) => {
      this.#resolveAll = resolve;
      this.#rejectAll = reject;
      this.#begin(input);
    });
  }

  /** Generator modes: starts the run (called at the first `next()`). */
  begin(input: unknown): void {
    this.#begin(input);
  }

  #begin(input: unknown): void {
    this.#start = this.#o.clock();
    if (!isIterable(input) && !isAsyncIterable(input)) {
      this.#fail(
        new TypeError(
          `Expected the delayed calls as an iterable or async iterable, got ${input === null ? 'null' : typeof input}`,
        ),
      );
      return;
    }
    if (Array.isArray(input)) {
      this.#knownTotal = input.length;
      // filled out of order: preallocated so it stays a fast array
      if (this.#mode === 'array') this.#results = new Array(input.length);
    }
    const signal = this.#o.signal;
    if (signal?.aborted) {
      this.#fail(signal.reason, true);
      return;
    }
    if (signal !== undefined) {
      const onAbort = () => this.#fail(signal.reason, true);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    }
    try {
      if (isAsyncIterable(input)) {
        this.#asyncInput = true;
        this.#iterator = input[Symbol.asyncIterator]();
      } else {
        this.#iterator = (input as Iterable<unknown>)[Symbol.iterator]();
      }
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#printer.start(displayName(this.#backend.name), this.#backend.nJobs);
    this.#pump();
  }

  #nextBatchSize(): number {
    if (this.#batcher !== undefined) return this.#batcher.computeBatchSize();
    return this.#o.batchSize as number;
  }

  #pump(): void {
    if (this.#stopped) return;
    if (this.#reading) {
      this.#pumpAgain = true;
      return;
    }
    this.#reading = true;
    void this.#pumpLoop();
  }

  async #pumpLoop(): Promise<void> {
    try {
      do {
        this.#pumpAgain = false;
        while (!this.#stopped && !this.#inputDone) {
          const size = this.#nextBatchSize();
          const nJobs = this.#backend.nJobs;
          const limit = this.#o.preDispatchAll
            ? Number.POSITIVE_INFINITY
            : Math.max(this.#o.preDispatch, Math.min(this.#o.preDispatch * size, MAX_READ_AHEAD));
          const room = limit - this.#window;
          const big = size * nJobs;
          // refill by whole batches: wait for room for a full round of batches (or
          // half the window), so that consuming results one by one does not
          // dispatch batches of one call
          if (room <= 0 || room < Math.min(big, Math.ceil(limit / 2))) break;
          const want = Math.min(big, room);
          const calls = this.#asyncInput ? await this.#readAsync(want) : this.#readSync(want);
          if (this.#stopped) return;
          if (calls.length === 0) break;
          const start = this.#read - calls.length;
          const short = this.#inputDone && calls.length < big;
          const per = short
            ? Math.max(1, Math.floor(calls.length / (10 * nJobs)))
            : Math.max(1, Math.floor(calls.length / nJobs));
          for (let i = 0; i < calls.length && !this.#stopped; i += per) {
            this.#dispatch({ start: start + i, calls: calls.slice(i, i + per) });
          }
        }
      } while (this.#pumpAgain && !this.#stopped);
    } catch (error) {
      this.#inputDone = true;
      this.#fail(error);
    } finally {
      this.#reading = false;
    }
    this.#checkDone();
  }

  #readSync(want: number): DelayedCall[] {
    const it = this.#iterator as Iterator<unknown>;
    const out: DelayedCall[] = [];
    while (out.length < want) {
      const r = it.next();
      if (r.done) {
        this.#inputDone = true;
        break;
      }
      out.push(checkCall(r.value, this.#read));
      this.#read++;
      this.#window++;
    }
    return out;
  }

  async #readAsync(want: number): Promise<DelayedCall[]> {
    const it = this.#iterator as AsyncIterator<unknown>;
    const out: DelayedCall[] = [];
    while (out.length < want && !this.#stopped) {
      const r = await it.next();
      if (r.done) {
        this.#inputDone = true;
        break;
      }
      if (this.#stopped) break;
      out.push(checkCall(r.value, this.#read));
      this.#read++;
      this.#window++;
    }
    return out;
  }

  #dispatch(batch: Batch): void {
    const t0 = this.#o.clock();
    if (this.#mode === 'generator') {
      batch.slot = { results: undefined, t0 };
      this.#pending.push(batch.slot);
    }
    this.#dispatchedBatches++;
    this.#dispatchedTasks += batch.calls.length;
    let promise: Promise<unknown[]>;
    try {
      const options: { signal: AbortSignal; timeout?: number } = {
        signal: this.#controller.signal,
      };
      if (this.#o.timeout !== undefined) options.timeout = this.#o.timeout;
      promise = this.#backend.runBatch(batch.calls, options);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (results) => this.#onBatch(batch, results, t0),
      (error: unknown) => this.#onBatchError(batch, error),
    );
  }

  #onBatch(batch: Batch, results: unknown[], t0: number): void {
    if (this.#stopped) return;
    const n = batch.calls.length;
    if (!Array.isArray(results) || results.length !== n) {
      this.#fail(
        new TypeError(
          `The '${this.#backend.name}' backend resolved a batch of ${n} calls with ${
            Array.isArray(results) ? `${results.length} results` : typeof results
          }`,
        ),
      );
      return;
    }
    this.#completed += n;
    if (this.#mode === 'array') {
      // handed over at once: the batch is done
      this.#batcher?.batchCompleted(n, this.#o.clock() - t0);
      for (let i = 0; i < n; i++) this.#results[batch.start + i] = results[i];
      this.#window -= n;
    } else if (this.#mode === 'generator') {
      (batch.slot as Delivery).results = results;
    } else {
      this.#pending.push({ results, t0 });
    }
    try {
      this.#report();
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#wake();
    this.#pump();
    this.#checkDone();
  }

  #onBatchError(batch: Batch, failure: unknown): void {
    if (this.#stopped) return;
    const marked = failedIndexOf(failure);
    const index =
      marked !== undefined && marked >= 0 && marked < batch.calls.length
        ? marked
        : batch.calls.length === 1
          ? 0
          : undefined;
    const uncloneable = uncloneableArgumentOf(failure);
    const error =
      uncloneable !== undefined && index !== undefined && failure instanceof Error
        ? uncloneableArgumentError(failure, batch.start + index, uncloneable)
        : failure;
    annotateFailure(error, {
      index: index === undefined ? undefined : batch.start + index,
      args: index === undefined ? undefined : (batch.calls[index] as DelayedCall).args,
      batch: { start: batch.start, size: batch.calls.length },
    });
    this.#fail(error);
  }

  #elapsed(): number {
    return this.#o.clock() - this.#start;
  }

  #total(): number | undefined {
    return this.#knownTotal ?? (this.#inputDone ? this.#dispatchedTasks : undefined);
  }

  #report(): void {
    const elapsed = this.#elapsed();
    if (this.#printer.enabled) {
      this.#printer.progress({
        // joblib: `_original_iterator` is None for pre_dispatch='all' and n_jobs=1
        readingInput: !this.#o.sequential && !this.#o.preDispatchAll && !this.#inputDone,
        dispatchedBatches: this.#dispatchedBatches,
        dispatchedTasks: this.#dispatchedTasks,
        completedTasks: this.#completed,
        preDispatchAmount: this.#o.sequential || this.#o.preDispatchAll ? 0 : this.#o.preDispatch,
        elapsed: elapsed / 1000,
      });
    }
    this.#bar?.update(this.#completed, this.#total(), elapsed);
    this.#o.onProgress?.({ done: this.#completed, total: this.#total(), elapsed });
  }

  #productionDone(): boolean {
    return (
      !this.#stopped &&
      this.#inputDone &&
      !this.#reading &&
      this.#completed === this.#dispatchedTasks
    );
  }

  #checkDone(): void {
    if (!this.#productionDone()) return;
    if (this.#mode === 'array') {
      this.#finish();
      this.#resolveAll(this.#results);
    } else {
      this.#wake();
    }
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#removeAbortListener();
    const elapsed = this.#elapsed();
    this.#printer.finished(this.#completed, elapsed / 1000);
    this.#bar?.end(this.#completed, this.#total(), elapsed);
    this.#onEnd(false);
  }

  #closeInput(): void {
    const it = this.#iterator;
    const wasDone = this.#inputDone;
    this.#inputDone = true;
    if (it === undefined || wasDone || typeof it.return !== 'function') return;
    try {
      const r = it.return();
      if (r !== null && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).then(noop, noop);
      }
    } catch {
      // closing the input after the run stopped: nothing left to report to
    }
  }

  /** Stops the run with `error` (rejects the array or the pending `next()`). */
  #fail(error: unknown, fromSignal = false): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#error = { value: error };
    this.#controller.abort(
      fromSignal
        ? error
        : new CancelledError('Another delayed call of the same Parallel run failed'),
    );
    this.#closeInput();
    this.#end(true);
    if (this.#mode === 'array') this.#rejectAll(error);
    else this.#wake();
  }

  /**
   * Cancels the run from outside: leaving a `for await` loop (`reason` undefined:
   * the iteration just ends) or disposing the instance (`reason` rejects it).
   */
  cancel(reason?: unknown): void {
    if (this.#stopped) return;
    if (reason !== undefined) {
      this.#fail(reason, true);
      return;
    }
    this.#stopped = true;
    this.#consumerDone = true;
    this.#controller.abort(new CancelledError('The iteration over the results was left early'));
    this.#closeInput();
    this.#end(true);
    this.#wake();
  }

  #end(failed: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#removeAbortListener();
    this.#onEnd(failed);
  }

  /** Generator modes: the next result. */
  next(): Promise<IteratorResult<unknown>> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#wake();
    });
  }

  #wake(): void {
    if (this.#mode === 'array') return;
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0] as Waiter;
      if (this.#consumerDone) {
        this.#waiters.shift();
        waiter.resolve({ value: undefined, done: true });
        continue;
      }
      if (this.#error !== undefined) {
        this.#waiters.shift();
        this.#consumerDone = true;
        waiter.reject(this.#error.value);
        continue;
      }
      let value: unknown;
      let has = false;
      const head = this.#pending.peek();
      if (head?.results !== undefined) {
        value = head.results[this.#offset++];
        has = true;
        if (this.#offset >= head.results.length) {
          this.#pending.shift();
          this.#offset = 0;
          // the consumer took the batch's last result: it is done, and its
          // duration (dispatch to now) drives the auto batch size, so batches
          // (and the read-ahead) grow only while the consumer keeps up
          this.#batcher?.batchCompleted(head.results.length, this.#o.clock() - head.t0);
        }
      }
      if (has) {
        this.#waiters.shift();
        this.#window--;
        waiter.resolve({ value, done: false });
        this.#pump();
        continue;
      }
      if (this.#productionDone()) {
        this.#consumerDone = true;
        this.#finish();
        continue;
      }
      return;
    }
  }
}

/**
 * A batch travels as one argument array, so the engine names that array: the
 * error names the delayed call (its input position) and its argument instead.
 */
function uncloneableArgumentError(
  original: Error,
  call: number,
  found: { argument: number; reason: string },
): NotCloneableError {
  const task = /^(Task .+?): /.exec(original.message)?.[1] ?? 'A task';
  return new NotCloneableError(
    `${task}: argument ${found.argument} of call ${call} could not be sent to the worker: ${found.reason}`,
    { cause: original },
  );
}

/** joblib prints the backend's class name: 'threads' → ThreadsBackend. */
function displayName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backend`;
}
