// How a pool frees what its dead workers held. Every shared primitive that
// travels to a worker (a task argument) or from one (a result) is remembered for
// that worker, through @par/core's `onWorkerExit`; when the worker exits, each
// remembered primitive gives back what the worker's thread held (the lock, its
// permits, its place at a barrier). The primitives sent to a worker are kept
// alive until it exits (the worker may still use them); those received from it
// are remembered weakly (only the worker and its own sub-workers could hold them
// once this thread drops them).
import type { DeserializeContext, ExitedWorker, SerializeContext } from '@par/core';
import { type DeadThread, kRecover, type Recoverable } from './internal.js';
import { sharedIdOfThread } from './runtime.js';

interface Remembered {
  /** Sent to the worker, by buffer (a primitive sent again is kept once). */
  readonly sent: Map<SharedArrayBuffer, Recoverable>;
  /** Received from the worker; pruned of collected ones as it grows. */
  received: WeakRef<Recoverable>[];
  prunedAt: number;
}

const byContext = new WeakMap<SerializeContext | DeserializeContext, Remembered>();

/** Whether `value` can give back what a dead thread held. */
function isRecoverable(value: unknown): value is Recoverable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Recoverable>)[kRecover] === 'function'
  );
}

function remembered(context: SerializeContext | DeserializeContext): Remembered | undefined {
  if (typeof context.onWorkerExit !== 'function') return undefined;
  let entry = byContext.get(context);
  if (entry === undefined) {
    const created: Remembered = { sent: new Map(), received: [], prunedAt: 64 };
    entry = created;
    byContext.set(context, created);
    context.onWorkerExit((worker) => {
      byContext.delete(context);
      recover(created, worker);
    });
  }
  return entry;
}

/** Remembers a primitive being sent to the worker behind `context`. */
export function rememberSent(value: unknown, context: SerializeContext): void {
  if (!isRecoverable(value)) return;
  const entry = remembered(context);
  if (entry !== undefined && !entry.sent.has(value.buffer)) entry.sent.set(value.buffer, value);
}

/** Remembers (weakly) a primitive received from the worker behind `context`. */
export function rememberReceived(value: unknown, context: DeserializeContext): void {
  if (!isRecoverable(value)) return;
  const entry = remembered(context);
  if (entry === undefined) return;
  entry.received.push(new WeakRef(value));
  if (entry.received.length >= entry.prunedAt) {
    entry.received = entry.received.filter((ref) => ref.deref() !== undefined);
    entry.prunedAt = Math.max(64, entry.received.length * 2);
  }
}

function recover(entry: Remembered, worker: ExitedWorker): void {
  // only a worker thread shares memory with this one, and is known by its threadId
  if (worker.threadId === undefined || worker.threadId < 0) return;
  const dead: DeadThread = {
    id: sharedIdOfThread(worker.threadId),
    interrupted: worker.interrupted,
  };
  for (const primitive of entry.sent.values()) primitive[kRecover](dead);
  for (const ref of entry.received) ref.deref()?.[kRecover](dead);
}
