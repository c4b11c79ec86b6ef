// The scheduler: one FIFO of calls, pumped in a microtask. A call goes to an idle
// worker; else a new worker starts (while fewer than maxWorkers); only then does a
// busy worker take more (up to concurrentTasksPerWorker, then batches sized by the
// BatchPolicy). It also takes the workers' results, in order, back to the calls.

import { Deque } from '@par/async/internal';
import { batchPolicy } from '../batch-policy.js';
import { type Call, CallState } from '../call.js';
import { findLostInstanceInArgs } from '../clone-check.js';
import { deserializeError, type WireError } from '../error-codec.js';
import { Msg, Status, TaskFlag } from '../protocol.js';
import { type Slot, SlotState } from '../slot.js';
import { decodeOne, EncodeSink, encodeArgs } from '../wire-codec.js';
import { fulfilled, rejected } from './call-ledger.js';
import type { Engine } from './engine.js';
import { PoolState } from './engine.js';
import {
  droppedError,
  lostInstanceError,
  missingResultHandler,
  notCloneableError,
} from './failure-messages.js';

const now = () => performance.now();

/** @internal */
export class Scheduler {
  /** The calls waiting for a worker, in order (also holds calls removed since: skipped). */
  readonly queue = new Deque<Call>(256);
  #pumpScheduled = false;
  /** Depth of {@link together}: its calls wait in the queue until it returns. */
  #held = 0;
  readonly #pumpBound = () => this.pump();
  /** The call whose arguments are being encoded (SerializeContext#onCallSettled). */
  encodingCall: Call | undefined;

  constructor(readonly engine: Engine) {}

  /** Appends an admitted call. */
  enqueue(call: Call): void {
    this.queue.push(call);
    this.engine.ledger.move(call, CallState.Queued);
    // A call that an idle worker can take goes at once rather than after the
    // caller's loop: a burst of a thousand `run`s would otherwise keep every worker
    // waiting until the last one was queued. Batches only ever form behind busy
    // workers, and the first call to an idle worker always travels alone.
    if (this.#held > 0) return;
    if (this.engine.ledger.queued === 1 && !this.#pumpScheduled) {
      const idle = this.#idleWorker();
      if (idle !== undefined) {
        this.send(idle, 1);
        return;
      }
    }
    this.schedulePump();
  }

  /**
   * Runs `fn` and dispatches the calls it queued together once it returns. Enqueued
   * one by one, the first call of a burst goes alone to an idle worker (one message,
   * and one wake-up of that worker, per burst and per idle worker); held, a burst of a
   * task the BatchPolicy batches goes to the idle workers in one message each, split
   * evenly. Unknown or long tasks are dispatched as usual.
   */
  together<T>(fn: () => T): T {
    this.#held++;
    try {
      return fn();
    } finally {
      if (--this.#held === 0) this.#release();
    }
  }

  /** Sends what {@link together} held: a batch to each idle worker, the rest by the pump. */
  #release(): void {
    const engine = this.engine;
    const ledger = engine.ledger;
    if (ledger.queued === 0) return;
    const batch = batchPolicy.callBatch(batchPolicy.meanOf(this.queue.peek()));
    if (batch > 0 && ledger.queued > 1 && engine.state !== PoolState.Broken) {
      const idle = engine.slots.filter((slot) => slot.live && slot.outstanding === 0);
      const most = engine.options.concurrentTasksPerWorker + batch;
      for (let i = 0; i < idle.length && ledger.queued > 0; i++) {
        this.send(idle[i] as Slot, Math.min(most, Math.ceil(ledger.queued / (idle.length - i))));
      }
    }
    this.schedulePump();
  }

  /** A live worker with nothing outstanding, if the pool may dispatch. */
  #idleWorker(): Slot | undefined {
    if (this.engine.state === PoolState.Broken) return undefined;
    for (const slot of this.engine.slots) {
      if (slot.live && slot.outstanding === 0) return slot;
    }
    return undefined;
  }

  /** Puts calls back at the front, in their order (they never started). */
  requeueFront(calls: readonly Call[]): void {
    for (let i = calls.length - 1; i >= 0; i--) {
      const call = calls[i] as Call;
      call.worker = undefined;
      this.queue.unshift(call);
      this.engine.ledger.move(call, CallState.Queued);
    }
  }

  /** How many more calls the workers (running and still to start) would take at once. */
  freeCapacity(): number {
    const { concurrentTasksPerWorker: c, maxWorkers } = this.engine.options;
    let free = 0;
    let places = 0;
    for (const slot of this.engine.slots) {
      if (slot.awaitsReplacement) places++;
      if (!slot.live) continue;
      places++;
      if (slot.outstanding < c) free += c - slot.outstanding;
    }
    return free + Math.max(0, maxWorkers - places) * c;
  }

  schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(this.#pumpBound);
  }

  pump(): void {
    this.#pumpScheduled = false;
    const engine = this.engine;
    const ledger = engine.ledger;
    if (ledger.queued === 0 || engine.state === PoolState.Broken) return;
    const c = engine.options.concurrentTasksPerWorker;
    while (ledger.queued > 0) {
      let best: Slot | undefined;
      let live = 0;
      // live workers, and retiring ones still starting: their replacements start
      // once they are up (WorkerLifecycle#retire), so they hold their places till then
      let places = 0;
      for (const slot of engine.slots) {
        if (slot.awaitsReplacement) places++;
        if (!slot.live) continue;
        live++;
        places++;
        if (best === undefined || slot.outstanding < best.outstanding) best = slot;
      }
      // An idle worker first; then a new worker while fewer than maxWorkers exist;
      // only then does a busy worker take more (concurrency, then batches).
      if (best !== undefined && best.outstanding === 0) {
        this.send(best, 1);
        continue;
      }
      if (
        places < engine.options.maxWorkers &&
        engine.state !== PoolState.Closed &&
        !engine.workers.backingOff
      ) {
        this.send(engine.workers.spawn(), 1);
        continue;
      }
      if (best !== undefined && best.outstanding < c) {
        this.send(best, 1);
        continue;
      }
      // Batch sizes follow the measured run time of the task at the head of the
      // queue (unknown tasks are not batched until a first result came back); a
      // task too long to batch is held one call ahead while the queue is long.
      const mean = batchPolicy.meanOf(this.queue.peek());
      const batch = batchPolicy.callBatch(mean);
      const ahead = batch === 0 ? batchPolicy.callsAhead(mean, ledger.queued, live) : 0;
      if (best === undefined || (batch === 0 && ahead === 0)) break;
      // Every worker is busy: hand a batch to the least-loaded worker that is making
      // progress (never pile work behind a long-running call).
      const t = now();
      const stalledAfter = batchPolicy.stalledAfter(mean);
      best = undefined;
      for (const slot of engine.slots) {
        if (!slot.live || t - slot.lastProgress > stalledAfter) continue;
        if (best === undefined || slot.outstanding < best.outstanding) best = slot;
      }
      if (best === undefined) break;
      const count =
        batch === 0
          ? best.outstanding < c + ahead
            ? 1
            : 0
          : batchPolicy.batchFor(batch, best.outstanding, c, ledger.queued, live);
      if (count === 0) break;
      this.send(best, count);
    }
  }

  /** Posts up to `wanted` queued calls to `slot` in one message. */
  send(slot: Slot, wanted: number): void {
    const engine = this.engine;
    const ledger = engine.ledger;
    const count = Math.min(wanted, engine.options.maxTasksPerWorker - slot.dispatched);
    // an idle worker handed work counts as making progress from now on: its last
    // answer may be long ago, and a burst's batch must not wait for this call's result
    const wasIdle = slot.outstanding === 0;
    const message: unknown[] = [Msg.Run, 0];
    let defs: unknown[] | undefined;
    let newKeys: number[] | undefined;
    const sink = new EncodeSink();
    const moves = engine.transport.capabilities.transfer;
    const batch: Call[] = [];
    while (batch.length < count && this.queue.length > 0) {
      const call = this.queue.shift() as Call;
      if (call.state !== CallState.Queued) continue;
      let args: unknown[];
      sink.encoded = false;
      // what this call adds to the transfer list goes if the call fails here
      const transferMark = sink.transfer?.length ?? 0;
      this.encodingCall = call;
      try {
        args = encodeArgs(call.args, call.flags, slot.serializeContext, sink);
      } catch (error) {
        // A transfer handler refused the argument (a Lock for a process worker…):
        // this call fails, the rest of the batch goes on.
        if (sink.transfer !== undefined) sink.transfer.length = transferMark;
        ledger.move(call, CallState.Done, rejected(error));
        continue;
      } finally {
        this.encodingCall = undefined;
      }
      const lost = findLostInstanceInArgs(args, call.flags, call.chunkStart);
      if (lost !== undefined) {
        // it would arrive as {}: fail now rather than lose its data silently
        if (sink.transfer !== undefined) sink.transfer.length = transferMark;
        ledger.move(call, CallState.Done, rejected(lostInstanceError(call, lost)));
        continue;
      }
      // the task's definition travels with the first call of it that is sent
      const key = call.def.key;
      if (!slot.defined.has(key)) {
        defs ??= [];
        newKeys ??= [];
        const w = call.def.wire;
        defs.push(key, w.module, w.name, w.source);
        slot.defined.add(key);
        newKeys.push(key);
      }
      if (call.transfer !== undefined) sink.addTransfer(call.transfer);
      // whatever form listed them, moved objects make the call impossible to resend
      call.transferred = moves && (sink.transfer?.length ?? 0) > transferMark;
      message.push(call.id, key, sink.encoded ? call.flags | TaskFlag.Encoded : call.flags, args);
      batch.push(call);
    }
    if (batch.length === 0) return;
    if (defs !== undefined) message[1] = defs;
    try {
      slot.handle.post(message, sink.transfer);
    } catch (error) {
      if (newKeys !== undefined) for (const key of newKeys) slot.defined.delete(key);
      this.#sendFailed(slot, batch, error);
      return;
    }
    if (wasIdle) slot.lastProgress = now();
    for (const call of batch) {
      call.worker = slot;
      slot.sent.push(call);
      ledger.move(call, CallState.Sent);
      call.onDispatch?.();
    }
    slot.dispatched += batch.length;
    if (!slot.refd) {
      slot.refd = true;
      slot.handle.ref();
    }
    if (slot.dispatched >= engine.options.maxTasksPerWorker && slot.state !== SlotState.Retiring) {
      engine.workers.retire(slot);
    }
    this.promote(slot);
  }

  /** A batch did not serialize: find the culprits, reject them, send the rest. */
  #sendFailed(slot: Slot, batch: Call[], error: unknown): void {
    if (batch.length > 1) {
      // Put them back in order at the front (releasing what their encoding held)
      // and send them one by one.
      for (let i = batch.length - 1; i >= 0; i--) {
        const call = batch[i] as Call;
        this.queue.unshift(call);
        this.engine.ledger.move(call, CallState.Queued);
      }
      for (let i = 0; i < batch.length; i++) this.send(slot, 1);
      return;
    }
    const call = batch[0] as Call;
    const capabilities = this.engine.transport.capabilities;
    this.engine.ledger.move(
      call,
      CallState.Done,
      rejected(notCloneableError(call, error, capabilities)),
    );
  }

  /** Moves calls from "sent" to "running" while the worker has free capacity. */
  promote(slot: Slot): void {
    // a worker being killed starts nothing more: its sent calls are requeued when it exits
    if (slot.state === SlotState.Starting || slot.killReason !== undefined) return;
    const c = this.engine.options.concurrentTasksPerWorker;
    while (slot.running.size < c && slot.sent.length > 0) {
      this.#start(slot, slot.sent.shift() as Call);
    }
  }

  #start(slot: Slot, call: Call): void {
    slot.running.add(call);
    this.engine.ledger.move(call, CallState.Running);
    this.engine.cancellation.armTimeout(call);
  }

  /** A worker's batch of results: `[RESULTS, id, status, value, runMs, …]`. */
  onResults(slot: Slot, message: unknown[]): void {
    const engine = this.engine;
    const ledger = engine.ledger;
    const stats = ledger.stats;
    slot.lastProgress = now();
    for (let i = 1; i < message.length; i += 4) {
      const call = ledger.inFlight.get(message[i] as number);
      if (call === undefined) continue;
      if (call.state === CallState.Sent) {
        // The worker starts calls in order: everything sent before this one has started.
        for (;;) {
          const first = slot.sent.shift() as Call;
          if (first === call) break;
          this.#start(slot, first);
        }
        ledger.move(call, CallState.Running);
      }
      slot.running.delete(call);
      // the task is over: what it sent before its result has arrived (in order)
      if (call.aborted) slot.givenUp.delete(call.id);
      const status = message[i + 1] as number;
      const ms = message[i + 3] as number;
      call.runMs = ms;
      if (status !== Status.Dropped) {
        stats.runTimeTotal += ms;
        stats.runTimes.add(ms);
        batchPolicy.record(call.def, (call.flags & TaskFlag.Chunk) !== 0, ms);
      }
      const value = message[i + 2];
      if (call.settled) ledger.move(call, CallState.Done);
      else if (status === Status.Ok) ledger.move(call, CallState.Done, fulfilled(value));
      else if (status === Status.Error) {
        const error = deserializeError(
          value as WireError,
          `    at task ${call.def.label} in @par worker #${slot.id}`,
        );
        ledger.move(call, CallState.Done, rejected(error));
      } else if (status === Status.OkEncoded) {
        let outcome: ReturnType<typeof fulfilled>;
        try {
          outcome = fulfilled(
            decodeOne(value, slot.deserializeContext, missingResultHandler(call)),
          );
        } catch (error) {
          outcome = rejected(error);
        }
        ledger.move(call, CallState.Done, outcome);
      } else ledger.move(call, CallState.Done, rejected(droppedError()));
    }
    this.promote(slot);
    engine.workers.afterActivity(slot);
  }
}
