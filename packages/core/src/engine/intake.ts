// Intake: what a caller hands the pool, checked and turned into a Call. Bad input
// throws a TypeError naming what was expected; a call the pool cannot take (closed
// or broken pool, aborted signal, full queue) is created and rejected at once, and
// counted as failed.

import {
  onAbort,
  optionMessage,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import { Call, CallState } from '../call.js';
import { describeValue } from '../describe-value.js';
import type { CallDescriptor, RunOptions } from '../pool-options.js';
import { TaskFlag } from '../protocol.js';
import { isTaskRef } from '../task-ref.js';
import { rejected } from './call-ledger.js';
import type { Engine } from './engine.js';
import { PoolState } from './engine.js';
import { queueFullError } from './failure-messages.js';

/** @internal Per-call options after validation. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  transfer?: readonly Transferable[] | undefined;
  /** A map chunk's first item's position in the input (error messages name items by it). */
  chunkStart?: number | undefined;
  /** A chunk of a `map` begun before `close()` (see Engine#beginMap). */
  admitWhileClosing?: boolean | undefined;
}

/** The keys of the call-descriptor form `run({ task, args, … })`. */
const DESCRIPTOR_KEYS = new Set(['task', 'args', 'signal', 'timeout', 'transfer']);

/** @internal Validates the per-call options of `run` (and the ones map shares). */
export function callOptions(o: RunOptions): CallOptions {
  const signal = validateSignal('signal', o.signal);
  const timeout = validateTimeout('timeout', o.timeout);
  if (o.transfer === undefined) return { signal, timeout, transfer: undefined };
  if (
    typeof o.transfer !== 'object' ||
    o.transfer === null ||
    typeof (o.transfer as unknown as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(optionMessage('transfer', 'an array of transferable objects', o.transfer));
  }
  const transfer = [...o.transfer];
  // what can move: ArrayBuffers, MessagePorts, streams… never a number, string or plain object
  const bad = transfer.findIndex(
    (item) =>
      typeof item !== 'object' ||
      item === null ||
      Object.getPrototypeOf(item) === Object.prototype ||
      Array.isArray(item),
  );
  if (bad >= 0) {
    throw new TypeError(
      `Expected \`transfer\` to be an array of transferable objects (ArrayBuffer, MessagePort…), got ${describeValue(transfer[bad])} at index ${bad}`,
    );
  }
  return { signal, timeout, transfer };
}

/** @internal {@link callOptions} for an options object not checked yet. */
export function parseCallOptions(o: unknown): CallOptions {
  return callOptions(validateOptions<RunOptions>('options', o) as RunOptions);
}

/** @internal The arguments of `run(task, ...args)` or `run({ task, args, … })`; throws TypeError. */
export function parseRun(
  first: unknown,
  rest: unknown[],
): { task: unknown; args: unknown[]; options: CallOptions | undefined } {
  if (typeof first === 'function' || isTaskRef(first)) {
    return { task: first, args: rest, options: undefined };
  }
  if (typeof first === 'object' && first !== null && 'task' in first) {
    const d = first as CallDescriptor;
    for (const key of Object.keys(d)) {
      if (!DESCRIPTOR_KEYS.has(key)) {
        throw new TypeError(
          `Unknown key \`${key}\` in the call descriptor (expected task, args, signal, timeout, transfer)`,
        );
      }
    }
    const options = callOptions(d);
    if (d.args !== undefined && !Array.isArray(d.args)) {
      throw new TypeError('Expected `args` to be an array of arguments');
    }
    return { task: d.task, args: d.args === undefined ? [] : [...d.args], options };
  }
  throw new TypeError(
    `Expected a task (tasks(new URL('./tasks.js', import.meta.url)).name or a self-contained function) or a call descriptor { task, args }, got ${
      first === null ? 'null' : typeof first
    }`,
  );
}

/** @internal Creates a call and its promise (state New). Throws TypeError for an invalid task. */
export function createCall(
  engine: Engine,
  task: unknown,
  args: unknown[],
  flags: number,
  options: CallOptions | undefined,
): Call {
  const def = engine.registry.defs[engine.registry.keyOf(task)];
  if (def === undefined) throw new TypeError('Unknown task');
  const timeout = options?.timeout ?? engine.options.timeout;
  let callFlags = flags;
  if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) callFlags |= TaskFlag.Timed;
  // a signal or map can cancel the call after it was sent, before it starts
  if (options?.signal !== undefined || (flags & TaskFlag.Chunk) !== 0) {
    callFlags |= TaskFlag.Cancellable;
  }
  const call = new Call(
    engine.nextCallId++,
    def,
    args,
    callFlags,
    timeout === Number.POSITIVE_INFINITY ? undefined : timeout,
    options?.signal,
    options?.transfer,
  );
  // before the call is admitted: an idle worker may be sent it (and fail it) at once
  if (options?.chunkStart !== undefined) call.chunkStart = options.chunkStart;
  if (options?.admitWhileClosing === true) call.admitWhileClosing = true;
  call.promise = new Promise<unknown>((resolve, reject) => {
    call.resolve = resolve;
    call.reject = reject;
  });
  return call;
}

/**
 * @internal Admits a new call: rejects it at once (closed or broken pool, aborted
 * signal, full queue), or queues it and listens to its signal. `waitForRoom`
 * (map chunks) skips the `maxQueue` check: the caller waited for room itself.
 */
export function admit(engine: Engine, call: Call, waitForRoom = false): Call {
  const ledger = engine.ledger;
  const signal = call.signal;
  if (
    engine.state !== PoolState.Open &&
    !(engine.state === PoolState.Closing && call.admitWhileClosing)
  ) {
    ledger.move(call, CallState.Removed, rejected(engine.closedError()));
    return call;
  }
  if (signal?.aborted) {
    ledger.move(call, CallState.Removed, rejected(signal.reason));
    return call;
  }
  if (!waitForRoom && engine.queueFull()) {
    ledger.move(call, CallState.Removed, rejected(queueFullError(engine.options.maxQueue)));
    return call;
  }
  if (signal !== undefined) {
    call.removeAbort = onAbort(signal, () => engine.cancellation.abort(call, signal.reason));
  }
  call.submittedAt = performance.now();
  engine.scheduler.enqueue(call);
  return call;
}
