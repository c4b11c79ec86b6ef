// The pool engine: the state every part shares, and the operations the public
// facades (Pool, map, Executor, Future, Thread) use. The work is done by its parts:
//   intake.ts             what a caller hands in, checked, becomes a Call
//   scheduler.ts          the queue, dispatch and batches, results back to calls
//   call-ledger.ts        the one place a call changes state and settles
//   cancellation.ts       cancel, abort, timeout, grace period
//   worker-lifecycle.ts   spawn, ready, idle, recycle, crash, broken
//   failure-messages.ts   every error the engine makes
// and, shared with map: ../batch-policy.ts (batch and chunk sizes), ../stats.ts.

import { Call, CallState } from '../call.js';
import { type BrokenPoolError, PoolClosedError } from '../errors.js';
import { FunctionRegistry, type TaskDef } from '../function-registry.js';
import type { PoolStats } from '../pool-options.js';
import { TaskFlag } from '../protocol.js';
import type { Slot } from '../slot.js';
import { StatsRecorder } from '../stats.js';
import type { Transport } from '../transport.js';
import { type ResolvedPoolOptions, resolvePoolOptions } from '../validate-options.js';
import { CallLedger, rejected } from './call-ledger.js';
import { Cancellation } from './cancellation.js';
import { terminatedError } from './failure-messages.js';
import { admit, type CallOptions, createCall } from './intake.js';
import { Scheduler } from './scheduler.js';
import { WorkerLifecycle } from './worker-lifecycle.js';

/** @internal The pool's own state. */
export const PoolState = { Open: 0, Closing: 1, Closed: 2, Broken: 3 } as const;

const FAILED_DEF: TaskDef = {
  mean: Number.NaN,
  chunkMean: Number.NaN,
  key: -1,
  info: { name: '', module: undefined },
  wire: { source: '', name: '' },
  label: '(invalid task)',
};

/** @internal */
export class Engine {
  readonly options: ResolvedPoolOptions;
  readonly registry = new FunctionRegistry();
  readonly stats = new StatsRecorder();
  readonly ledger = new CallLedger(this.stats);
  readonly slots: Slot[] = [];
  readonly scheduler: Scheduler = new Scheduler(this);
  readonly cancellation: Cancellation = new Cancellation(this);
  readonly workers: WorkerLifecycle = new WorkerLifecycle(this);
  state: number = PoolState.Open;
  brokenError: BrokenPoolError | undefined;
  nextCallId = 1;
  #closing: Promise<void> | undefined;

  constructor(
    readonly transport: Transport,
    options: unknown,
    transportOptions: readonly string[],
  ) {
    this.options = resolvePoolOptions(options, transportOptions);
    this.ledger.hasRoom = () => this.state !== PoolState.Open || !this.queueFull();
    for (let i = 0; i < this.options.minWorkers; i++) this.workers.spawn();
  }

  /**
   * Queues one call. Throws TypeError for an invalid task; a call the pool cannot
   * take is rejected (`QueueFull` beyond `maxQueue`). Map chunks skip the `maxQueue`
   * check: map waits for room ({@link whenRoom}) before it submits one.
   */
  submit(task: unknown, args: unknown[], flags: number, options: CallOptions | undefined): Call {
    const call = createCall(this, task, args, flags, options);
    return admit(this, call, (flags & TaskFlag.Chunk) !== 0);
  }

  /**
   * Runs `fn`; the calls it submits are dispatched together once it returns (see
   * {@link Scheduler.together}): a burst of tiny calls reaches an idle worker in one
   * message instead of its first call alone and the rest behind it.
   */
  together<T>(fn: () => T): T {
    return this.scheduler.together(fn);
  }

  /** Whether a call may be queued now without passing `maxQueue` (or the pool no longer takes calls). */
  hasRoom(): boolean {
    return this.ledger.hasRoom();
  }

  /** Resolves when a call may be queued without passing `maxQueue` (or the pool no longer takes calls). */
  whenRoom(): Promise<void> {
    return this.ledger.whenRoom();
  }

  /** A call whose task or arguments were refused (for Future): rejected at once, counted as failed. */
  failedCall(error: unknown): Call {
    const call = new Call(0, FAILED_DEF, [], 0, undefined, undefined, undefined);
    call.promise = new Promise<unknown>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    this.ledger.move(call, CallState.Removed, rejected(error));
    return call;
  }

  /** Throws the TypeError `run` would reject with for a bad task. */
  validateTask(task: unknown): void {
    this.registry.keyOf(task);
  }

  /** Whether `maxQueue` calls already wait beyond what the workers would take at once. */
  queueFull(): boolean {
    const max = this.options.maxQueue;
    return (
      max !== Number.POSITIVE_INFINITY && this.ledger.queued - this.scheduler.freeCapacity() >= max
    );
  }

  /** The error for a call the pool no longer takes. */
  closedError(): unknown {
    return this.brokenError ?? new PoolClosedError();
  }

  /** The workers' handles (Thread reads its threadId). */
  handles(): { id: number; threadId?: number | undefined; pid?: number | undefined }[] {
    return this.slots.map((s) => ({ id: s.id, threadId: s.handle.threadId, pid: s.handle.pid }));
  }

  /** Rejects every queued and in-flight call with `error`. */
  rejectAll(error: unknown): void {
    const queue = this.scheduler.queue;
    while (queue.length > 0) {
      const call = queue.shift() as Call;
      if (call.state === CallState.Queued)
        this.ledger.move(call, CallState.Removed, rejected(error));
    }
    for (const call of this.ledger.inFlight.values())
      this.ledger.move(call, call.state, rejected(error));
  }

  /** `map` / `starmap` calls begun while the pool was open and not settled yet. */
  #maps = 0;
  #mapsEnded: (() => void) | undefined;

  /**
   * A `map` / `starmap` begins: while it has not settled, `close()` waits for it and
   * the pool still takes its chunks (Python's `map` reads its whole input before
   * `close()` can run). Returns false, registering nothing, once the pool is closing.
   */
  beginMap(): boolean {
    if (this.state !== PoolState.Open) return false;
    this.#maps++;
    return true;
  }

  /** A map {@link beginMap} registered settled. */
  endMap(): void {
    if (--this.#maps > 0) return;
    const ended = this.#mapsEnded;
    this.#mapsEnded = undefined;
    ended?.();
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (this.state === PoolState.Open) this.state = PoolState.Closing;
    this.ledger.wakeAllRoomWaiters();
    this.#closing = (async () => {
      if (this.#maps > 0) {
        await new Promise<void>((resolve) => {
          this.#mapsEnded = resolve;
        });
      }
      await this.ledger.whenDrained();
      await this.workers.stopAll();
    })();
    return this.#closing;
  }

  terminate(): Promise<void> {
    if (this.state !== PoolState.Broken) this.state = PoolState.Closed;
    this.ledger.wakeAllRoomWaiters();
    this.rejectAll(this.brokenError ?? terminatedError());
    const stopping = this.workers.stopAll();
    this.#closing ??= stopping;
    return stopping;
  }

  snapshot(): PoolStats {
    return this.stats.snapshot(
      this.slots,
      this.ledger.queued + this.ledger.held,
      performance.now(),
    );
  }
}
