// Every error the engine makes, worded in one place: what failed, which task,
// which worker, and what the user can do about it.

import { TimeoutError } from '@par/async';
import { QueueFull } from '@par/queue';
import type { Call } from '../call.js';
import { type LostInstance, lostInstanceReason } from '../clone-check.js';
import { describeValue } from '../describe-value.js';
import {
  BrokenPoolError,
  NotCloneableError,
  PoolClosedError,
  WorkerCrashedError,
} from '../errors.js';
import { TaskFlag } from '../protocol.js';
import { sharedMemoryArgument, sharedMemoryError } from '../shared-memory.js';
import type { Slot } from '../slot.js';
import type { TransportCapabilities } from '../transport.js';

/** Start-up failures in a row that break the pool. */
export const MAX_START_FAILURES = 3;

/**
 * A call's message did not serialize: names the first argument that does not clone.
 * For a transport without shared memory, shared memory among the arguments is
 * the culprit: a TypeError naming where it is.
 */
export function notCloneableError(
  call: Call,
  error: unknown,
  capabilities: TransportCapabilities,
): NotCloneableError | TypeError {
  if (!capabilities.sharedMemory) {
    const chunk = (call.flags & TaskFlag.Chunk) !== 0;
    const where = sharedMemoryArgument(
      chunk && Array.isArray(call.args[0]) ? (call.args[0] as unknown[]) : call.args,
      chunk,
    );
    if (where !== undefined) {
      return sharedMemoryError(`Task ${call.def.label}: ${where}`, capabilities.kind, error);
    }
  }
  return argumentsNotCloneableError(call.def.label, call.args, call.flags, call.chunkStart, error);
}

/**
 * @internal Arguments that did not serialize (`error`, thrown by the serializer): a
 * NotCloneableError naming the first that does not clone. `flags` say whether
 * `args[0]` is a map chunk whose first item is input item `start`.
 */
export function argumentsNotCloneableError(
  label: string,
  args: unknown[],
  flags: number,
  start: number,
  error: unknown,
): NotCloneableError {
  const which = uncloneableArgument(args, flags, start) ?? 'an argument';
  return new NotCloneableError(
    `Task ${label}: ${which} could not be sent to the worker: ${
      (error as Error)?.message ?? String(error)
    }`,
    { cause: error },
  );
}

/** Whether `value` survives structuredClone (the error path only: it clones). */
function clones(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which argument does not clone: `argument 1 (a function)`, or for a map chunk the
 * input item, as findLostInstanceInArgs names it (`map item 3 (a function)`,
 * `map item 3, argument 0 (a symbol)` for starmap), not the chunk's array.
 */
function uncloneableArgument(args: unknown[], flags: number, start: number): string | undefined {
  const items = args[0];
  if ((flags & TaskFlag.Chunk) !== 0 && Array.isArray(items)) {
    const star = (flags & TaskFlag.Star) !== 0;
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (clones(item)) continue;
      const where = `map item ${start + i}`;
      if (star && Array.isArray(item)) {
        const j = item.findIndex((arg) => !clones(arg));
        if (j >= 0) return `${where}, argument ${j} (${describeValue(item[j])})`;
      }
      return `${where} (${describeValue(item)})`;
    }
  }
  const i = args.findIndex((arg) => !clones(arg));
  return i < 0 ? undefined : `argument ${i} (${describeValue(args[i])})`;
}

/** A call's arguments hold a class instance that would arrive as `{}`. */
export function lostInstanceError(call: Call, lost: LostInstance): NotCloneableError {
  return lostArgumentError(call.def.label, lost);
}

/** @internal Arguments of task `label` hold a class instance that would arrive as `{}`. */
export function lostArgumentError(label: string, lost: LostInstance): NotCloneableError {
  return new NotCloneableError(
    `Task ${label}: ${lost.path} (an instance of class ${lost.className}) could not be sent to the worker: ${lostInstanceReason(lost)}`,
  );
}

export function queueFullError(maxQueue: number): QueueFull {
  return new QueueFull(
    `The pool's queue is full (maxQueue: ${maxQueue}); wait for calls to finish or raise maxQueue`,
  );
}

export function timeoutError(call: Call): TimeoutError {
  return new TimeoutError(
    `Task ${call.def.label} timed out after ${call.timeout} ms (running time)`,
  );
}

export function droppedError(): PoolClosedError {
  return new PoolClosedError('The call was dropped');
}

export function terminatedError(): PoolClosedError {
  return new PoolClosedError('The pool was terminated');
}

export function graceKillReason(call: Call, grace: number): string {
  return `task ${call.def.label} did not stop within the ${grace} ms grace period after it was ${
    call.aborted ? 'aborted or timed out' : 'cancelled'
  }`;
}

/** Why a worker that never became ready failed. */
export function startFailureCause(slot: Slot, code: number | null, signal: string | null): unknown {
  return (
    slot.startError ??
    slot.fatal?.error ??
    slot.lastError ??
    new Error(
      `Worker #${slot.id} exited ${signal ? `by ${signal}` : `with code ${code}`} before it was ready`,
    )
  );
}

export function brokenPoolError(cause: unknown): BrokenPoolError {
  const message = `The pool is broken: ${MAX_START_FAILURES} workers in a row failed to start (last failure: ${
    (cause as Error | undefined)?.message ?? String(cause)
  })`;
  return new BrokenPoolError(message, { cause });
}

/**
 * The error of a call whose worker died, naming the likeliest reason. `started`
 * says whether the call had started there: a call that never started says so
 * (`before task \`double\` started`), with `why` it is not run again.
 */
export function crashError(
  slot: Slot,
  call: Call,
  code: number | null,
  signal: string | null,
  started = true,
  why?: string,
): WorkerCrashedError {
  const task = call.def.info;
  const label = call.def.label;
  const fatal = slot.fatal;
  const cause = fatal?.error ?? slot.lastError ?? slot.startError;
  const when = started ? `while running task ${label}` : `before task ${label} started`;
  let message: string;
  if (slot.killReason !== undefined) {
    message = `Worker #${slot.id} was terminated ${when}: ${slot.killReason}`;
  } else if (
    (slot.lastError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
  ) {
    message = `Worker #${slot.id} ran out of memory ${when}`;
  } else if (fatal !== undefined && fatal.error !== undefined) {
    const m = (fatal.error as Error | undefined)?.message ?? String(fatal.error);
    message = `Worker #${slot.id} crashed with an uncaught error ${when}: ${m}`;
  } else if (signal) {
    message = `Worker #${slot.id} was killed by ${signal} ${when}`;
  } else if (cause !== undefined && fatal === undefined) {
    const m = (cause as Error | undefined)?.message ?? String(cause);
    message = `Worker #${slot.id} crashed ${when}: ${m}`;
  } else {
    message = `Worker #${slot.id} exited with code ${fatal?.code ?? code} ${when}`;
  }
  if (why !== undefined) message += ` (${why})`;
  return new WorkerCrashedError(
    message,
    { exitCode: fatal?.code ?? code, signal, workerId: slot.id, task },
    cause === undefined ? undefined : { cause },
  );
}

/** A result envelope names a transfer handler this thread does not know. */
export function missingResultHandler(call: Call): (name: string) => string {
  return (name) =>
    `Task ${call.def.label} returned a value for the transfer handler '${name}', which is not registered in this thread`;
}
