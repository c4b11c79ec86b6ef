// map / starmap / imap / imapUnordered over the engine: items travel in chunks
// (one message and one loop in the worker per chunk), which is what makes a
// million tiny items fast.

import { CancelledError } from '@par/async';
import { Deque, optionMessage, validateInteger, validateOptions } from '@par/async/internal';
import { batchPolicy } from './batch-policy.js';
import type { Call } from './call.js';
import type { Engine } from './engine/engine.js';
import { type CallOptions, parseCallOptions } from './engine/intake.js';
import type { IMapOptions } from './pool-options.js';
import { TaskFlag } from './protocol.js';

/** @internal */
export type MapKind = 'map' | 'starmap' | 'imap' | 'imapUnordered' | 'istarmap';

interface ResolvedMapOptions {
  chunkSize: number | 'auto';
  call: CallOptions;
  bufferSize: number | undefined;
}

function resolveMapOptions(options: unknown): ResolvedMapOptions {
  const o = validateOptions<IMapOptions>('options', options);
  let chunkSize: number | 'auto' = 'auto';
  if (o.chunkSize !== undefined && o.chunkSize !== 'auto') {
    if (typeof o.chunkSize !== 'number') {
      throw new TypeError(optionMessage('chunkSize', "a positive integer or 'auto'", o.chunkSize));
    }
    chunkSize = validateInteger('chunkSize', o.chunkSize, { min: 1 });
  }
  const bufferSize =
    o.bufferSize === undefined
      ? undefined
      : validateInteger('bufferSize', o.bufferSize, { min: 1 });
  const call = parseCallOptions({ signal: o.signal, timeout: o.timeout });
  return { chunkSize, call, bufferSize };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
  );
}

function checkInput(iterable: unknown): void {
  if (!isIterable(iterable) && !isAsyncIterable(iterable)) {
    throw new TypeError(
      `Expected \`iterable\` to be an iterable or async iterable, got ${
        iterable === null ? 'null' : typeof iterable
      }`,
    );
  }
}

function chunkFlags(star: boolean): number {
  return TaskFlag.Chunk | (star ? TaskFlag.Star : 0);
}

const PACK_MIN = 16;

/**
 * Submits items[start, end) as one chunk. A chunk of numbers travels as a
 * transferred Float64Array: copying 8 bytes per item instead of structured-cloning
 * each one is what makes a million-item map fast.
 */
function submitChunk(
  engine: Engine,
  task: unknown,
  items: ArrayLike<unknown>,
  start: number,
  end: number,
  star: boolean,
  options: CallOptions,
): Call {
  const n = end - start;
  if (!star && n >= PACK_MIN) {
    let numbers = true;
    for (let i = start; i < end; i++) {
      if (typeof items[i] !== 'number') {
        numbers = false;
        break;
      }
    }
    if (numbers) {
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = items[start + i] as number;
      return engine.submit(task, [packed], chunkFlags(star) | TaskFlag.Packed, {
        ...options,
        transfer: [packed.buffer],
      });
    }
  }
  const slice =
    start === 0 && end === items.length && Array.isArray(items)
      ? items
      : Array.prototype.slice.call(items, start, end);
  const call = engine.submit(task, [slice], chunkFlags(star), options);
  call.chunkStart = start;
  return call;
}

/** @internal `map` / `starmap`: all results, in input order. */
export async function mapAll(
  engine: Engine,
  kind: MapKind,
  task: unknown,
  iterable: unknown,
  options: unknown,
): Promise<unknown[]> {
  const o = resolveMapOptions(options);
  checkInput(iterable);
  // Fail fast on a bad task before reading the input.
  engine.validateTask(task);
  const signal = o.call.signal;
  signal?.throwIfAborted();
  let items: unknown[];
  if (Array.isArray(iterable)) items = iterable;
  else if (isIterable(iterable)) items = Array.from(iterable);
  else {
    items = [];
    for await (const item of iterable as AsyncIterable<unknown>) {
      signal?.throwIfAborted();
      items.push(item);
    }
  }
  const star = kind === 'starmap';
  if (star) {
    for (let i = 0; i < items.length; i++) {
      if (!Array.isArray(items[i])) {
        throw new TypeError(`starmap: item ${i} is not an array of arguments`);
      }
    }
  }
  const n = items.length;
  if (n === 0) return [];
  const chunk =
    o.chunkSize === 'auto' ? batchPolicy.autoChunkSize(n, engine.options.maxWorkers) : o.chunkSize;
  const results = new Array<unknown>(n);
  const calls: Call[] = [];
  const callOptions: CallOptions = { timeout: o.call.timeout };
  return new Promise<unknown[]>((resolve, reject) => {
    /** Chunks not finished yet. */
    let left = Math.ceil(n / chunk);
    let failed = false;
    let stopWaiting: () => void = () => {};
    const stopped = new Promise<void>((r) => {
      stopWaiting = r;
    });
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stopWaiting();
      signal?.removeEventListener('abort', onAbort);
      const reason = new CancelledError('Another chunk of the same map failed');
      for (const c of calls) engine.cancellation.abort(c, reason);
      reject(error);
    };
    const onAbort = () => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (offset: number) => (value: unknown) => {
      if (failed) return;
      const out = value as ArrayLike<unknown>;
      if (offset === 0 && out.length === n) {
        for (let i = 0; i < n; i++) results[i] = out[i];
      } else {
        for (let i = 0; i < out.length; i++) results[offset + i] = out[i];
      }
      if (--left === 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve(results);
      }
    };
    const submitAll = async () => {
      for (let start = 0; start < n; start += chunk) {
        // backpressure: with `maxQueue`, a chunk waits until the queue has room
        while (!failed && !engine.hasRoom()) await Promise.race([engine.whenRoom(), stopped]);
        if (failed) return;
        const call = submitChunk(
          engine,
          task,
          items,
          start,
          Math.min(n, start + chunk),
          star,
          callOptions,
        );
        calls.push(call);
        call.promise.then(done(start), fail);
      }
    };
    submitAll().catch(fail);
  });
}

interface Pending {
  call: Call;
  count: number;
  values: ArrayLike<unknown> | undefined;
  error: unknown;
  done: boolean;
}

/** @internal `imap` / `imapUnordered` / the executor's map: a lazy, bounded stream. */
export function mapIter(
  engine: Engine,
  kind: MapKind,
  task: unknown,
  iterable: unknown,
  options: unknown,
): AsyncIterableIterator<unknown> {
  let setupError: unknown;
  let o: ResolvedMapOptions | undefined;
  try {
    o = resolveMapOptions(options);
    checkInput(iterable);
    engine.validateTask(task);
  } catch (error) {
    setupError = error;
  }
  return stream(engine, kind, task, iterable, o, setupError);
}

async function* stream(
  engine: Engine,
  kind: MapKind,
  task: unknown,
  iterable: unknown,
  o: ResolvedMapOptions | undefined,
  setupError: unknown,
): AsyncIterableIterator<unknown> {
  if (setupError !== undefined || o === undefined) throw setupError;
  const ordered = kind !== 'imapUnordered';
  const star = kind === 'istarmap';
  const signal = o.call.signal;
  signal?.throwIfAborted();
  const workers = engine.options.maxWorkers;
  const asyncInput = isAsyncIterable(iterable);
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = asyncInput
    ? (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (iterable as Iterable<unknown>)[Symbol.iterator]();
  const knownLength = Array.isArray(iterable) ? iterable.length : undefined;
  const adaptive = o.chunkSize === 'auto' && knownLength === undefined;
  let chunk =
    o.chunkSize === 'auto'
      ? knownLength === undefined
        ? 1
        : batchPolicy.autoChunkSize(knownLength, workers)
      : o.chunkSize;
  const buffer = () => o.bufferSize ?? Math.max(64, 4 * workers * chunk);
  const maxAdaptiveChunk = batchPolicy.maxAdaptiveChunk(o.bufferSize, workers);
  const pending = new Deque<Pending>();
  const completed = new Deque<Pending>();
  let wake: (() => void) | undefined;
  let inFlight = 0;
  let exhausted = false;
  let abortReason: unknown;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    abortReason = signal?.reason;
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const callOptions: CallOptions = { timeout: o.call.timeout };

  const submit = (items: unknown[]) => {
    const call = submitChunk(engine, task, items, 0, items.length, star, callOptions);
    const entry: Pending = {
      call,
      count: items.length,
      values: undefined,
      error: undefined,
      done: false,
    };
    call.promise.then(
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

  const adapt = (entry: Pending) => {
    if (adaptive)
      chunk = batchPolicy.nextChunk(chunk, entry.call.runMs, entry.count, maxAdaptiveChunk);
  };

  try {
    for (;;) {
      if (aborted) throw abortReason;
      while (!exhausted && inFlight < buffer()) {
        // backpressure: with `maxQueue`, the next chunk waits until the queue has room
        while (!aborted && !engine.hasRoom()) {
          await Promise.race([
            engine.whenRoom(),
            new Promise<void>((resolve) => {
              wake = resolve;
            }),
          ]);
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
      let entry: Pending;
      if (ordered) {
        entry = pending.peek() as Pending;
        while (!entry.done && !aborted) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (aborted) throw abortReason;
        pending.shift();
      } else {
        while (completed.length === 0 && !aborted) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        if (aborted) throw abortReason;
        entry = completed.shift() as Pending;
        pending.remove(entry);
      }
      if (entry.error !== undefined || entry.values === undefined) throw entry.error;
      adapt(entry);
      const values = entry.values;
      for (let i = 0; i < values.length; i++) {
        inFlight--;
        yield values[i];
        if (aborted) throw abortReason;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const reason = aborted ? abortReason : new CancelledError('The consumer left the loop');
    for (const entry of pending) {
      if (!entry.done) engine.cancellation.abort(entry.call, reason);
      entry.call.promise.catch(() => {});
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
