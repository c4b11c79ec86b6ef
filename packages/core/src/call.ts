import type { Timer } from '@par/async/internal';
import type { TaskDef } from './function-registry.js';
import type { Slot } from './slot.js';

/**
 * @internal Where a call is. Only `CallLedger#move` (src/engine/call-ledger.ts)
 * changes a call's state; DESIGN.md draws the transitions.
 */
export const CallState = {
  /** Created, not admitted yet. */
  New: 5,
  /** In the pool's queue. */
  Queued: 0,
  /** Posted to a worker, not started yet (as far as the pool knows). */
  Sent: 1,
  /** Started in the worker: its timeout runs. */
  Running: 2,
  /** The worker answered (or died); nothing left to release. */
  Done: 3,
  /** Removed from the queue before it was dispatched (abort, cancel). */
  Removed: 4,
} as const;

/**
 * @internal One call of a task. A plain record (no closures) so that 100k queued
 * calls cost little; `resolve`/`reject` come from its promise.
 */
export class Call {
  state: number = CallState.New;
  settled = false;
  /** The caller's signal aborted or the timeout passed; the worker was told. */
  aborted = false;
  worker: Slot | undefined = undefined;
  timer: Timer | undefined = undefined;
  submittedAt = 0;
  requeues = 0;
  /**
   * Its last dispatch moved objects to the worker (a `transfer` list, `transfer()`
   * markers, a transfer handler's list): they are gone from this side, so the call
   * can never be sent again.
   */
  transferred = false;
  /** Cancelled before it started (Future#cancelled). */
  cancelled = false;
  /** Removes the call's listener from its signal (set while it can still be aborted). */
  removeAbort: (() => void) | undefined = undefined;
  /** Called once when the call leaves the queue for a worker (Future#running). */
  onDispatch: (() => void) | undefined = undefined;
  /** Registered by transfer handlers (SerializeContext#onCallSettled). */
  onRelease: (() => void)[] | undefined = undefined;
  /** A map chunk: the index of its first item in the input (error messages name items by it). */
  chunkStart = 0;
  /** A chunk of a `map` begun before `close()`: the pool still takes it while closing. */
  admitWhileClosing = false;
  /** Worker-reported run time in ms, set when the result arrives. */
  runMs = 0;
  promise!: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (reason: unknown) => void;

  constructor(
    readonly id: number,
    readonly def: TaskDef,
    readonly args: unknown[],
    readonly flags: number,
    readonly timeout: number | undefined,
    readonly signal: AbortSignal | undefined,
    readonly transfer: readonly Transferable[] | undefined,
  ) {}
}
