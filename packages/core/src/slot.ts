import { Deque, type Timer } from '@par/async/internal';
import type { Call } from './call.js';
import type { ChannelHub } from './channel-hub.js';
import type { DeserializeContext, ExitedWorker, SerializeContext } from './transfer-handlers.js';
import type { WorkerHandle } from './transport.js';

/** @internal Life of a worker as the pool sees it. */
export const SlotState = {
  Starting: 0,
  Ready: 1,
  /** Takes no new calls; exits when its last call is done (recycling, idle, close). */
  Retiring: 2,
  Dead: 3,
} as const;

/** @internal The parent's record of one worker. */
export class Slot {
  state: number = SlotState.Starting;
  handle!: WorkerHandle;
  hub!: ChannelHub;
  /** One per connection, so handlers can key per-worker state on it. */
  serializeContext!: SerializeContext;
  deserializeContext!: DeserializeContext;
  /** Registered by transfer handlers (`onWorkerExit`); run once, when the worker is gone. */
  readonly exitCallbacks: ((worker: ExitedWorker) => void)[] = [];
  /** The worker's threadId while it ran (a Node Worker reports -1 once it exited). */
  threadId: number | undefined = undefined;
  /** Calls posted and not started, in order (the worker starts them FIFO). */
  readonly sent = new Deque<Call>();
  /** Calls the pool believes are running. */
  readonly running = new Set<Call>();
  /** Bumped after each ABORT posted (shared with the worker; see WorkerBoot#aborts). */
  aborts: Int32Array | undefined = undefined;
  /** What handlers withdraw when the pool gives up a call (SerializeContext#onCallGivenUp), by call id. */
  readonly withdrawals = new Map<number, Set<(reason: unknown) => void>>();
  /** Calls the pool gave up (timeout, abort) while this worker had them, with their reasons. */
  readonly givenUp = new Map<number, unknown>();
  /** Function keys the worker has received. */
  readonly defined = new Set<number>();
  /** Calls posted so far (a map chunk counts as one), for maxTasksPerWorker. */
  dispatched = 0;
  readyOnce = false;
  /**
   * Retiring (`maxTasksPerWorker`) before it was ever ready: its replacement starts
   * once it is up, and until then it holds its place among the `maxWorkers`.
   */
  awaitsReplacement = false;
  refd = false;
  /**
   * When the worker last answered (results or ready) or, idle, was handed a call:
   * batching skips stalled workers.
   */
  lastProgress = 0;
  idleTimer: Timer | undefined = undefined;
  bornAt: number;
  diedAt = 0;
  /** The runtime's last words: the error (if any) and the calls that had started. */
  fatal: { error: unknown; started: Set<number>; code: number } | undefined = undefined;
  /** What the transport reported through onError (thread error, OOM, spawn failure). */
  lastError: Error | undefined = undefined;
  /** The initializer (or runtime start-up) failed. */
  startError: unknown = undefined;
  /** Why the pool terminated it, if it did. */
  killReason: string | undefined = undefined;
  /** The pool wanted it gone (recycle, idle, close): not a crash. */
  expectedExit = false;
  readonly exited: Promise<void>;
  markExited!: () => void;

  constructor(
    readonly id: number,
    now: number,
  ) {
    this.bornAt = now;
    this.exited = new Promise<void>((resolve) => {
      this.markExited = resolve;
    });
  }

  get outstanding(): number {
    return this.sent.length + this.running.size;
  }

  /**
   * Starting or ready, and not being killed: a worker the pool decided to kill
   * (`killReason`, after a grace period) takes no more calls, and nothing more is
   * started on it, so no call is blamed for that kill but the ones already running.
   */
  get live(): boolean {
    return (
      (this.state === SlotState.Starting || this.state === SlotState.Ready) &&
      this.killReason === undefined
    );
  }
}
