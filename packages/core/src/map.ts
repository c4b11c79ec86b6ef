// map / starmap / imap / imapUnordered over the engine: items travel in chunks
// (one message and one loop in the worker per chunk), which is what makes a
// million tiny items fast.

import { CancelledError } from '@par/async';
import {
  checkIterable,
  isIterable,
  optionMessage,
  readAllInput,
  validateInteger,
  validateOptions,
} from '@par/async/internal';
import { batchPolicy } from './batch-policy.js';
import type { Call } from './call.js';
import { chunkStream } from './chunk-stream.js';
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
  // imap's bufferSize is accepted by every form
  const o = validateOptions<IMapOptions>('options', options, [
    'chunkSize',
    'bufferSize',
    'signal',
    'timeout',
  ]);
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
  /** Where `items` starts in the whole input (a stream's chunk). */
  offset = 0,
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
  return engine.submit(task, [slice], chunkFlags(star), {
    ...options,
    chunkStart: offset + start,
  });
}

/**
 * @internal `map` / `starmap`: all results, in input order. A map begun before
 * `close()` runs to its end, its input read and its chunks run (Engine#beginMap).
 */
export async function mapAll(
  engine: Engine,
  kind: MapKind,
  task: unknown,
  iterable: unknown,
  options: unknown,
): Promise<unknown[]> {
  const begun = engine.beginMap();
  try {
    return await mapAllBegun(engine, kind, task, iterable, options, begun);
  } finally {
    if (begun) engine.endMap();
  }
}

async function mapAllBegun(
  engine: Engine,
  kind: MapKind,
  task: unknown,
  iterable: unknown,
  options: unknown,
  begun: boolean,
): Promise<unknown[]> {
  const o = resolveMapOptions(options);
  checkIterable(iterable);
  // Fail fast on a bad task before reading the input.
  engine.validateTask(task);
  const signal = o.call.signal;
  signal?.throwIfAborted();
  let items: unknown[];
  if (Array.isArray(iterable)) items = iterable;
  else if (isIterable(iterable)) items = Array.from(iterable);
  else items = await readAllInput(iterable as AsyncIterable<unknown>, signal);
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
  const callOptions: CallOptions = { timeout: o.call.timeout, admitWhileClosing: begun };
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
    checkIterable(iterable);
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
  const star = kind === 'istarmap';
  const callOptions: CallOptions = { timeout: o.call.timeout };
  yield* chunkStream<Call>({
    iterable,
    ordered: kind !== 'imapUnordered',
    star,
    chunkSize: o.chunkSize,
    bufferSize: o.bufferSize,
    workers: engine.options.maxWorkers,
    signal: o.call.signal,
    submit: (items, offset) =>
      submitChunk(engine, task, items, 0, items.length, star, callOptions, offset),
    runMs: (call) => call.runMs,
    cancel: (calls, reason) => {
      for (const call of calls) engine.cancellation.abort(call, reason);
    },
    room: { has: () => engine.hasRoom(), when: () => engine.whenRoom() },
  });
}
