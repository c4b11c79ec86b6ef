// The one place where a call changes state or settles. Everything a state change
// implies happens here, once: the promise settles (and is counted), the abort
// listener goes, the timer is cleared, transfer handlers' release callbacks run,
// the in-flight table and the counters follow, and drain waiters wake.

import { clearTimer } from '@par/async/internal';
import { type Call, CallState } from '../call.js';
import type { StatsRecorder } from '../stats.js';

/** How a call settles: resolved with a value, or rejected with a reason. */
export type Outcome = { ok: true; value: unknown } | { ok: false; value: unknown };

export const fulfilled = (value: unknown): Outcome => ({ ok: true, value });
export const rejected = (reason: unknown): Outcome => ({ ok: false, value: reason });

const now = () => performance.now();

function isWithWorker(state: number): boolean {
  return state === CallState.Sent || state === CallState.Running;
}

function isFinal(state: number): boolean {
  return state === CallState.Done || state === CallState.Removed;
}

/** @internal The pool's calls: which are queued and in flight, and how each ends. */
export class CallLedger {
  /** Calls waiting in the pool (their state is Queued). */
  queued = 0;
  /**
   * Calls posted to a worker that has not started them yet (Sent: behind its
   * running calls, or waiting for it to start up), not counting the aborted ones.
   */
  held = 0;
  /** Calls posted to a worker (Sent or Running), by id, for their results. */
  readonly inFlight = new Map<number, Call>();
  #drainWaiters: (() => void)[] = [];
  #roomWaiters: (() => void)[] = [];
  /** Whether a call may be queued now (set by the engine: `maxQueue`). */
  hasRoom: () => boolean = () => true;

  constructor(readonly stats: StatsRecorder) {}

  /**
   * Moves `call` to state `to` and, with an `outcome`, settles it (once: a call that
   * already settled keeps its first outcome). Moving to the state it is in only
   * settles, except for Queued (a call put back in the queue releases what its
   * encoding held). A final call (Done, Removed) does not move again.
   *
   * - entering Running: counted as running (as aborting if it was aborted while
   *   it was sent), its wait time sampled;
   * - entering Sent: in flight (its result is looked up by id), counted as held
   *   (unless aborted);
   * - entering Queued, Done or Removed: its timer is cleared and the release
   *   callbacks of its transfer handlers run (it holds nothing in a worker);
   * - entering Done or Removed: drain waiters wake when nothing is left.
   */
  move(call: Call, to: number, outcome?: Outcome): void {
    const from = call.state;
    if (isFinal(from)) {
      if (outcome !== undefined) this.#settle(call, outcome);
      return;
    }
    if (from !== to) {
      if (this.#roomWaiters.length > 0 && (from === CallState.Queued || isWithWorker(from))) {
        queueMicrotask(this.#wakeRoomWaiters);
      }
      if (from === CallState.Queued) this.queued--;
      else if (from === CallState.Sent) {
        if (!call.aborted) this.held--;
      } else if (from === CallState.Running) {
        if (call.aborted) this.stats.aborting--;
        else this.stats.running--;
      }
      if (isWithWorker(from) && !isWithWorker(to)) this.inFlight.delete(call.id);
      if (to === CallState.Queued) this.queued++;
      else if (to === CallState.Running) {
        if (call.aborted) this.stats.aborting++;
        else this.stats.running++;
        this.stats.waitTimes.add(now() - call.submittedAt);
      } else if (to === CallState.Sent) {
        this.inFlight.set(call.id, call);
        if (!call.aborted) this.held++;
      }
      call.state = to;
    }
    if (outcome !== undefined) this.#settle(call, outcome);
    if (to === CallState.Queued || isFinal(to)) this.#release(call);
    if (isFinal(to)) this.#wakeDrainWaiters();
  }

  /**
   * The call was aborted (caller's signal, timeout) and its worker told: while it
   * still runs (its grace period) it counts as aborting, no longer as running; one
   * the worker holds without having started it is no longer held.
   */
  markAborted(call: Call): void {
    if (call.aborted) return;
    call.aborted = true;
    if (call.state === CallState.Running) {
      this.stats.running--;
      this.stats.aborting++;
    } else if (call.state === CallState.Sent) this.held--;
  }

  #settle(call: Call, outcome: Outcome): void {
    if (call.settled) return;
    call.settled = true;
    if (call.removeAbort !== undefined) {
      call.removeAbort();
      call.removeAbort = undefined;
    }
    if (outcome.ok) {
      this.stats.completed++;
      call.resolve(outcome.value);
    } else {
      this.stats.failed++;
      call.reject(outcome.value);
    }
  }

  /** Clears the call's timer and runs what transfer handlers asked to run on release. */
  #release(call: Call): void {
    if (call.timer !== undefined) {
      clearTimer(call.timer);
      call.timer = undefined;
    }
    const callbacks = call.onRelease;
    if (callbacks === undefined) return;
    call.onRelease = undefined;
    for (const cb of callbacks) {
      try {
        cb();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Nothing queued, nothing in flight. */
  get drained(): boolean {
    return this.queued === 0 && this.inFlight.size === 0;
  }

  /** Resolves once {@link drained} (at once if it is). */
  whenDrained(): Promise<void> {
    if (this.drained) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Resolves once a call may be queued ({@link hasRoom}), checked each time a call
   * leaves the queue or a worker. Waiters are woken in order, while there is room.
   */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  readonly #wakeRoomWaiters = (): void => {
    while (this.#roomWaiters.length > 0 && this.hasRoom())
      (this.#roomWaiters.shift() as () => void)();
  };

  /** Wakes every room waiter (the pool closed: their calls will be rejected). */
  wakeAllRoomWaiters(): void {
    for (const resolve of this.#roomWaiters.splice(0)) resolve();
  }

  #wakeDrainWaiters(): void {
    if (this.#drainWaiters.length === 0 || !this.drained) return;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }
}
