// Errors cross the worker boundary as plain data and are rebuilt on the other
// side with name, message, stack, cause and own enumerable properties. Structured
// clone alone keeps neither own properties nor the class of a ParError.

import { BrokenBarrierError, CancelledError, ParError, TimeoutError } from '@par/async';
import { QueueEmpty, QueueFull, QueueShutDown } from '@par/queue';
import { notCloneablePlaceholder } from './describe-value.js';
import {
  BrokenPoolError,
  NotCloneableError,
  PoolClosedError,
  TaskClosureError,
  TaskModuleError,
  UnknownTaskError,
  WorkerCrashedError,
} from './errors.js';

/** The wire form of a thrown value. */
export type WireError =
  | {
      e: 1;
      name: string;
      message: string;
      stack: string | undefined;
      props: Record<string, unknown> | undefined;
      cause?: WireError;
      errors?: WireError[];
    }
  | { e: 0; value: unknown };

/** A constructor of errors (abstract classes too). */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any error class
export type ErrorClass = abstract new (...args: any[]) => Error;

const registryKey = Symbol.for('@par/core.errorClasses');
const scope = globalThis as unknown as { [registryKey]?: Map<string, ErrorClass> };
const byCode: Map<string, ErrorClass> = scope[registryKey] ?? new Map();
scope[registryKey] = byCode;

/**
 * Makes errors whose own `code` property is `code` arrive on the other side of a
 * worker boundary as instances of `cls`, with their message, stack, cause and own
 * properties (without it they arrive as plain `Error`s with the same name and
 * properties). Every `ParError` class of the @par packages is registered this way;
 * register your own classes in the caller and in the worker (from a module the task
 * module imports). The first class registered for a code wins.
 *
 * @example
 * ```ts
 * class QuotaError extends Error {
 *   readonly code = 'APP_QUOTA';
 * }
 * registerErrorClass('APP_QUOTA', QuotaError);
 * await pool.run(t.upload, file).catch((err) => err instanceof QuotaError); // true
 * ```
 */
export function registerErrorClass(code: string, cls: ErrorClass): void {
  if (typeof code !== 'string' || code === '') {
    throw new TypeError(`Expected \`code\` to be a non-empty string, got ${typeof code}`);
  }
  if (typeof cls !== 'function' || !(cls.prototype instanceof Error || cls === Error)) {
    throw new TypeError('Expected `cls` to be a class of errors (a subclass of Error)');
  }
  if (!byCode.has(code)) byCode.set(code, cls);
}

registerErrorClass('PAR_TIMEOUT', TimeoutError);
registerErrorClass('PAR_CANCELLED', CancelledError);
registerErrorClass('PAR_WORKER_CRASHED', WorkerCrashedError);
registerErrorClass('PAR_BROKEN_POOL', BrokenPoolError);
registerErrorClass('PAR_POOL_CLOSED', PoolClosedError);
registerErrorClass('PAR_UNKNOWN_TASK', UnknownTaskError);
registerErrorClass('PAR_TASK_MODULE', TaskModuleError);
registerErrorClass('PAR_TASK_CLOSURE', TaskClosureError);
registerErrorClass('PAR_NOT_CLONEABLE', NotCloneableError);
registerErrorClass('PAR_BROKEN_BARRIER', BrokenBarrierError);
registerErrorClass('PAR_QUEUE_EMPTY', QueueEmpty);
registerErrorClass('PAR_QUEUE_FULL', QueueFull);
registerErrorClass('PAR_QUEUE_SHUT_DOWN', QueueShutDown);

const builtins: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};

function cloneable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return typeof value !== 'function' && typeof value !== 'symbol';
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Error).message === 'string' &&
      typeof (value as Error).name === 'string' &&
      typeof (value as Error).stack === 'string')
  );
}

/** How deep {@link keepCloneable} copies before it replaces what is left by a placeholder. */
const MAX_COPY_DEPTH = 8;

/**
 * A copy of `value` that structured clone takes. What clones is kept as it is; a
 * plain object or array holding something that does not clone is copied with that
 * something replaced by a placeholder (`[not cloneable: a function (retry)]`);
 * anything else that does not clone becomes its placeholder. With `ownProperties`,
 * a class instance is copied like a plain object (the thrown value itself: it
 * arrives as a plain object anyway).
 */
function keepCloneable(
  value: unknown,
  depth: number,
  ownProperties: boolean,
  seen: Map<object, unknown>,
): unknown {
  if (cloneable(value)) return value;
  if (typeof value !== 'object' || value === null || depth >= MAX_COPY_DEPTH) {
    return notCloneablePlaceholder(value);
  }
  const copied = seen.get(value);
  if (copied !== undefined) return copied;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(keepCloneable(item, depth + 1, false, seen));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (!ownProperties && proto !== Object.prototype && proto !== null) {
    return notCloneablePlaceholder(value);
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      continue; // a getter that throws: nothing to keep
    }
    out[key] = keepCloneable(item, depth + 1, false, seen);
  }
  return out;
}

/**
 * @internal Turns anything thrown into cloneable data. What does not clone is kept
 * as far as it can be: the cloneable own properties of a thrown object or error,
 * with the others replaced by a placeholder naming what they were.
 */
export function serializeError(error: unknown, depth = 0): WireError {
  if (!isErrorLike(error)) {
    return { e: 0, value: keepCloneable(error, 0, true, new Map()) };
  }
  let props: Record<string, unknown> | undefined;
  const seen = new Map<object, unknown>();
  for (const key of Object.keys(error)) {
    if (key === 'cause' || key === 'errors' || key === 'stack' || key === 'message') continue;
    let value: unknown;
    try {
      value = (error as unknown as Record<string, unknown>)[key];
    } catch {
      continue; // a getter that throws: nothing to keep
    }
    props ??= {};
    props[key] = keepCloneable(value, 1, false, seen);
  }
  const wire: WireError = {
    e: 1,
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === 'string' ? error.stack : undefined,
    props,
  };
  if ('cause' in error && depth < 8) wire.cause = serializeError(error.cause, depth + 1);
  if (Array.isArray((error as AggregateError).errors) && depth < 8) {
    wire.errors = (error as AggregateError).errors.map((e) => serializeError(e, depth + 1));
  }
  return wire;
}

/** @internal Rebuilds a thrown value; `extraStack` is appended to the stack (task and worker). */
export function deserializeError(wire: WireError, extraStack?: string): unknown {
  if (wire.e === 0) return wire.value;
  const code = wire.props?.code;
  // a ParError with a code no class claims (PAR_NOT_ACQUIRED…) is still a ParError
  const cls =
    typeof code !== 'string'
      ? undefined
      : (byCode.get(code) ?? (wire.name === 'ParError' ? ParError : undefined));
  let error: Error;
  if (cls !== undefined) {
    error = Object.create(cls.prototype) as Error;
  } else if (wire.name === 'AbortError' || wire.name === 'TimeoutError') {
    error =
      typeof DOMException === 'function' ? new DOMException(wire.message, wire.name) : new Error();
  } else {
    const builtin = builtins[wire.name];
    error = builtin ? (Object.create(builtin.prototype) as Error) : new Error();
    if (builtin === undefined) {
      Object.defineProperty(error, 'name', {
        value: wire.name,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }
  const define = (key: string, value: unknown) => {
    try {
      Object.defineProperty(error, key, {
        value,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } catch {
      // a read-only accessor (DOMException#message): keep what the constructor set
    }
  };
  if (!(error instanceof DOMExceptionOrNever())) define('message', wire.message);
  define(
    'stack',
    extraStack === undefined
      ? wire.stack
      : `${wire.stack ?? `${wire.name}: ${wire.message}`}\n${extraStack}`,
  );
  if (wire.cause !== undefined) define('cause', deserializeError(wire.cause));
  if (wire.errors !== undefined)
    define(
      'errors',
      wire.errors.map((e) => deserializeError(e)),
    );
  if (wire.props !== undefined) {
    for (const key of Object.keys(wire.props)) {
      try {
        (error as unknown as Record<string, unknown>)[key] = wire.props[key];
      } catch {
        define(key, wire.props[key]);
      }
    }
  }
  return error;
}

function DOMExceptionOrNever(): abstract new (...args: never[]) => object {
  return typeof DOMException === 'function' ? DOMException : (class Never {} as never);
}

/** @internal Whether `error` is a ParError (by code, across copies of @par/async). */
export function isParError(error: unknown): error is ParError {
  return (
    error instanceof ParError ||
    (isErrorLike(error) && typeof (error as ParError).code === 'string')
  );
}
