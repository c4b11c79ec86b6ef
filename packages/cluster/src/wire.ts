// What crosses Redis: job data is a small JSON object naming the task by module
// path (relative to the root) and export name; arguments and results are
// v8-serialized (typed arrays, Maps, Dates, BigInt and undefined survive) and
// base64-encoded. Nothing in it is ever evaluated as code.

import { deserialize, serialize } from 'node:v8';
import { deserializeError, serializeError, type WireError } from '@par/core/internal';
import { BadJobError, JobFailedError, PayloadTooLargeError } from './errors.js';

/** @internal How the worker applies the task to the arguments. */
export enum JobKind {
  /** `task(...args)` */
  Run = 0,
  /** `args[0]` is a chunk of items: `items.map(task)` */
  Chunk = 1,
  /** `args[0]` is a chunk of argument lists: `items.map((a) => task(...a))` */
  StarChunk = 2,
}

/** @internal The data of a job. */
export interface JobData {
  /** Format version. */
  v: 1;
  /** Module path relative to the root (POSIX separators), or a package specifier when `p` is 1. */
  m: string;
  /** 1: `m` is a package specifier, resolved by each worker from its root. */
  p?: 1;
  /** Export name. */
  n: string;
  /** base64 of v8.serialize(args) (absent when `j` carries them). */
  a?: string;
  /** The arguments themselves, when plain JSON keeps them exactly (small values). */
  j?: unknown[];
  k: JobKind;
  /** Running-time limit in ms. */
  t?: number;
}

/** @internal Default limit of encoded arguments and results. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** @internal Encodes a value; throws PayloadTooLargeError past `limit` bytes. */
export function encodePayload(value: unknown, limit: number, what: string): string {
  const bytes = serialize(value);
  if (bytes.length > limit) {
    throw new PayloadTooLargeError(
      `The ${what} encode to ${bytes.length} bytes, above the limit of ${limit} bytes (maxPayloadBytes): nothing was sent. Pass large data by reference (a path, a URL, a key) or raise maxPayloadBytes.`,
      bytes.length,
      limit,
    );
  }
  return bytes.toString('base64');
}

/** Nodes and string characters a value may have to travel as plain JSON. */
const JSON_NODES = 256;
const JSON_CHARS = 16_384;

/**
 * @internal Whether plain JSON keeps `value` exactly (and it is small): finite
 * numbers other than -0, strings, booleans, null, dense arrays and plain objects of
 * those. Such values travel inside the job's JSON, saving the v8 + base64 round.
 */
export function isPlainJson(value: unknown): boolean {
  // a primitive (the common result) without building the walk
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value === 'boolean' || value === null) return true;
  if (typeof value === 'string') return value.length <= JSON_CHARS;
  let nodes = 0;
  let chars = 0;
  const walk = (v: unknown): boolean => {
    if (++nodes > JSON_NODES) return false;
    switch (typeof v) {
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0);
      case 'string':
        chars += v.length;
        return chars <= JSON_CHARS;
      case 'boolean':
        return true;
      case 'object': {
        if (v === null) return true;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) if (!(i in v) || !walk(v[i])) return false;
          return true;
        }
        if (Object.getPrototypeOf(v) !== Object.prototype) return false;
        for (const key of Object.keys(v)) {
          chars += key.length;
          if (key === '__proto__' || !walk((v as Record<string, unknown>)[key])) return false;
        }
        // symbol keys, getters' side effects and non-enumerables would not survive either
        return Object.getOwnPropertySymbols(v).length === 0;
      }
      default:
        return false;
    }
  };
  return walk(value);
}

/**
 * @internal Whether arguments can travel as plain JSON inside the job: only
 * primitives (kept exactly), so that nothing the caller mutates after `run()`
 * returns can change what is sent.
 */
export function isPrimitiveJsonArgs(args: readonly unknown[]): boolean {
  if (args.length > JSON_NODES) return false;
  let chars = 0;
  for (const v of args) {
    if (typeof v === 'string') {
      chars += v.length;
      if (chars > JSON_CHARS) return false;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v) || Object.is(v, -0)) return false;
    } else if (typeof v !== 'boolean' && v !== null) return false;
  }
  return true;
}

/** @internal The most bytes a value that passes {@link isPlainJson} takes as JSON. */
export const JSON_LIMIT_BYTES = JSON_CHARS * 6 + JSON_NODES * 32;

/** @internal A result as it travels: `[value]` when plain JSON keeps it, else v8 + base64. */
export function encodeResult(value: unknown, limit: number, what: string): string | [unknown] {
  // 6 bytes per character bounds its JSON form (escapes): below the limit for sure
  if (JSON_LIMIT_BYTES <= limit && isPlainJson(value)) return [value];
  return encodePayload(value, limit, what);
}

/** @internal The caller's value for a job's return value. */
export function decodeResult(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 1) return value[0];
  return decodePayload(String(value));
}

/** @internal A chunk's values as they travel: v8 + base64, numbers packed. */
export function encodeChunkResult(values: unknown, limit: number, what: string): string {
  return encodePayload(packNumbers(values), limit, what);
}

/**
 * @internal A job's return value: its result (as {@link encodeResult} or
 * {@link encodeChunkResult} wrote it), the run time the worker measured and the time
 * the job waited between being added and a worker taking it, in ms (to the µs), for
 * `stats()` and the adaptive chunk size.
 */
export type TimedResult = [result: string | [unknown], runMs: number, waitMs: number];

/** @internal */
export function timedResult(
  result: string | [unknown],
  runMs: number,
  waitMs: number,
): TimedResult {
  return [result, toMicros(runMs), toMicros(waitMs)];
}

function toMicros(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms * 1000) / 1000 : 0;
}

/**
 * @internal A job's return value split into its result (for {@link decodeResult}) and
 * times; a return value without times (from a worker that sent none) is all result.
 */
export function splitTimes(value: unknown): {
  result: unknown;
  runMs: number | undefined;
  waitMs: number | undefined;
} {
  if (
    Array.isArray(value) &&
    (value.length === 2 || value.length === 3) &&
    (typeof value[0] === 'string' || (Array.isArray(value[0]) && value[0].length === 1))
  ) {
    return { result: value[0], runMs: msOrUndefined(value[1]), waitMs: msOrUndefined(value[2]) };
  }
  return { result: value, runMs: undefined, waitMs: undefined };
}

function msOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

const PACK_MIN = 16;

/**
 * @internal A chunk of numbers travels as one Float64Array (a copy of 8 bytes per
 * item instead of a tagged value each), as the local pools' map does; lossless for
 * every JavaScript number. Anything else is returned as it is.
 */
export function packNumbers(items: unknown): unknown {
  if (!Array.isArray(items) || items.length < PACK_MIN) return items;
  for (let i = 0; i < items.length; i++) if (typeof items[i] !== 'number') return items;
  return Float64Array.from(items as number[]);
}

/** @internal */
export function decodePayload(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

const FAILURE_PREFIX = 'par1:';

/** @internal A thrown value as a job's failure text. */
export function encodeFailure(error: unknown): string {
  let wire: WireError = serializeError(error);
  let bytes: Buffer;
  try {
    bytes = serialize(wire);
  } catch {
    wire = serializeError(new Error(String((error as Error)?.message ?? error)));
    bytes = serialize(wire);
  }
  return FAILURE_PREFIX + bytes.toString('base64');
}

/** @internal The caller's error for a job's failure text. */
export function decodeFailure(reason: string, jobId: string): unknown {
  if (typeof reason === 'string' && reason.startsWith(FAILURE_PREFIX)) {
    try {
      const wire = deserialize(Buffer.from(reason.slice(FAILURE_PREFIX.length), 'base64'));
      return deserializeError(wire as WireError, `    at cluster job ${jobId}`);
    } catch {
      // not our encoding after all: report the text as it is
    }
  }
  return new JobFailedError(`Job ${jobId} failed in the cluster: ${reason}`, String(reason));
}

function badJob(jobId: string | undefined, what: string): BadJobError {
  return new BadJobError(
    `Malformed job data in job ${jobId}: ${what}. Jobs on a par queue are written by ClusterPool ({ v: 1, m: module path, n: export name, a: encoded arguments, k: kind }).`,
  );
}

/** @internal Validates job data read from Redis (never trusted). */
export function parseJobData(data: unknown, jobId: string | undefined): JobData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badJob(jobId, `expected an object, got ${data === null ? 'null' : typeof data}`);
  }
  const d = data as Record<string, unknown>;
  if (d.v !== 1) throw badJob(jobId, `unknown format version ${JSON.stringify(d.v)}`);
  if (typeof d.m !== 'string' || d.m.length === 0)
    throw badJob(jobId, '`m` (module) is not a string');
  if (typeof d.n !== 'string' || d.n.length === 0)
    throw badJob(jobId, '`n` (export name) is not a string');
  if (d.j !== undefined) {
    if (!Array.isArray(d.j) || d.a !== undefined)
      throw badJob(jobId, '`j` (arguments) is not an array');
  } else if (typeof d.a !== 'string') throw badJob(jobId, '`a` (arguments) is not a string');
  if (d.k !== JobKind.Run && d.k !== JobKind.Chunk && d.k !== JobKind.StarChunk) {
    throw badJob(jobId, `unknown kind ${JSON.stringify(d.k)}`);
  }
  if (d.p !== undefined && d.p !== 1) throw badJob(jobId, '`p` (package flag) is not 1');
  if (d.t !== undefined && (typeof d.t !== 'number' || !(d.t >= 0))) {
    throw badJob(jobId, '`t` (timeout) is not a number >= 0');
  }
  return d as unknown as JobData;
}

/** @internal Decodes a job's arguments, checking their shape for its kind. */
export function decodeArgs(data: JobData, jobId: string | undefined): unknown[] {
  let args: unknown;
  try {
    args = data.j ?? decodePayload(data.a as string);
  } catch (error) {
    throw new BadJobError(
      `Malformed job data in job ${jobId}: the arguments do not decode (${(error as Error).message})`,
    );
  }
  if (!Array.isArray(args))
    throw new BadJobError(`Malformed job data in job ${jobId}: arguments are not an array`);
  if (data.k === JobKind.Chunk && args[0] instanceof Float64Array) args[0] = Array.from(args[0]);
  if (data.k !== JobKind.Run && !Array.isArray(args[0])) {
    throw new BadJobError(
      `Malformed job data in job ${jobId}: a chunk job carries no array of items`,
    );
  }
  return args;
}

/** @internal Redis keys of the par side channels, beside BullMQ's own keys. */
export function parKeys(prefix: string, queue: string) {
  const base = `${prefix}:${queue}:par`;
  return {
    /** pub/sub channel: job ids whose calls were aborted */
    cancelChannel: `${base}:cancel`,
    /** a key per aborted job, checked when a worker starts it */
    cancel: (jobId: string) => `${base}:cancelled:${jobId}`,
    /** set of worker ids */
    workers: `${base}:workers`,
    /** heartbeat key of one worker (expires) */
    worker: (id: string) => `${base}:worker:${id}`,
    /** BullMQ's event stream */
    events: `${prefix}:${queue}:events`,
  };
}
