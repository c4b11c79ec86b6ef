// Cancel, abort and timeout. A queued call leaves the queue and never runs. A call
// sent to a busy worker but not started (Sent) is settled at once and the worker is
// told to drop it. A running call is settled at once, its task signal aborts, and
// if the worker does not answer within `gracePeriod` it is terminated and replaced.

import { clearTimer, setTimer } from '@par/async/internal';
import { type Call, CallState } from '../call.js';
import { serializeError } from '../error-codec.js';
import { Msg, TaskFlag } from '../protocol.js';
import { SlotState } from '../slot.js';
import { rejected } from './call-ledger.js';
import type { Engine } from './engine.js';
import { graceKillReason, timeoutError } from './failure-messages.js';

/** @internal */
export class Cancellation {
  constructor(readonly engine: Engine) {}

  /**
   * Cancels a call that has not started; returns whether it was. A queued call
   * leaves the queue; a call already sent to a busy worker takes the abort path
   * (settled now, the worker told to skip it: its task never starts).
   */
  cancel(call: Call, reason: unknown): boolean {
    if (call.settled) return false;
    if (call.state === CallState.Sent) {
      // the worker does not look for an ABORT before starting it: it is as good as started
      if ((call.flags & TaskFlag.Cancellable) === 0) return false;
      this.abort(call, reason);
      return true;
    }
    if (call.state !== CallState.Queued) return false;
    this.engine.ledger.move(call, CallState.Removed, rejected(reason));
    return true;
  }

  /**
   * Cancels every call that has not started: the queue, and the calls waiting in
   * busy workers (executor shutdown with cancelFutures). They reject with `reason`.
   */
  cancelNotStarted(reason: unknown): void {
    for (const call of [...this.engine.scheduler.queue]) {
      if (this.cancel(call, reason)) call.cancelled = true;
    }
    for (const slot of this.engine.slots) {
      for (const call of [...slot.sent]) {
        if (this.cancel(call, reason)) call.cancelled = true;
      }
    }
  }

  /** Aborts a call wherever it is (a caller's signal, a timeout, map cancelling its chunks). */
  abort(call: Call, reason: unknown): void {
    if (call.settled) return;
    if (call.state === CallState.Queued) {
      this.cancel(call, reason);
      return;
    }
    const ledger = this.engine.ledger;
    ledger.move(call, call.state, rejected(reason));
    const slot = call.worker;
    if (slot === undefined || call.state === CallState.Done) return;
    ledger.markAborted(call);
    try {
      slot.handle.post([Msg.Abort, call.id, serializeError(reason)]);
      // after the post: a worker that sees the count change finds the message
      if (slot.aborts !== undefined) Atomics.add(slot.aborts, 0, 1);
    } catch {
      // the worker is going away; its exit settles the rest
    }
    // what the task waits for on this side (a queue's get) is withdrawn now
    this.engine.workers.giveUp(slot, call, reason);
    if (call.state === CallState.Running) this.armGrace(call);
  }

  /** A call just started: its timeout runs from now (or its grace, if it was aborted before). */
  armTimeout(call: Call): void {
    if (call.settled) {
      if (call.aborted) this.armGrace(call);
    } else if (call.timeout !== undefined) {
      call.timer = setTimer(() => this.#onTimeout(call), call.timeout);
    }
  }

  #onTimeout(call: Call): void {
    call.timer = undefined;
    if (call.settled) return;
    this.abort(call, timeoutError(call));
  }

  /** The worker has `gracePeriod` to answer an aborted running call, then it is replaced. */
  armGrace(call: Call): void {
    if (call.timer !== undefined) clearTimer(call.timer);
    call.timer = undefined;
    const grace = this.engine.options.gracePeriod;
    if (grace === Number.POSITIVE_INFINITY) return;
    call.timer = setTimer(() => {
      call.timer = undefined;
      const slot = call.worker;
      if (call.state !== CallState.Running || slot === undefined || slot.state === SlotState.Dead) {
        return;
      }
      slot.killReason = graceKillReason(call, grace);
      slot.handle.terminate();
    }, grace);
  }
}
