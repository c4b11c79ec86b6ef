// Worker lifecycle: spawn (lazily, and `minWorkers` at construction), readiness,
// idle reaping after `idleTimeout`, recycling after `maxTasksPerWorker`, crashes
// (calls that had started fail, the others are requeued), and the broken state
// after repeated start-up failures.

import { clearTimer, setTimer } from '@par/async/internal';
import { type Call, CallState } from '../call.js';
import { ChannelHub } from '../channel-hub.js';
import { deserializeError, type WireError } from '../error-codec.js';
import { Msg } from '../protocol.js';
import { Slot, SlotState } from '../slot.js';
import { rejected } from './call-ledger.js';
import type { Engine } from './engine.js';
import { PoolState } from './engine.js';
import {
  brokenPoolError,
  crashError,
  MAX_START_FAILURES,
  startFailureCause,
} from './failure-messages.js';

/** A call is requeued at most this often after workers died under it before it started. */
export const MAX_REQUEUES = 3;

/**
 * Signals that end a process from outside (a user, a supervisor, the kernel's
 * out-of-memory killer), not a configuration that cannot start: a worker they
 * end before it is ready is replaced after a backoff, and never breaks the pool.
 * (SIGABRT, SIGSEGV… are the process's own failures and count as start-up failures.)
 */
const OUTSIDE_SIGNALS = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']);

/** The first replacement of a worker killed while starting waits this long (ms)… */
const RESTART_BACKOFF_MS = 10;
/** …doubling with each kill in a row, up to this (ms). */
const MAX_RESTART_BACKOFF_MS = 1000;

const now = () => performance.now();

/** @internal */
export class WorkerLifecycle {
  #nextWorkerId = 1;
  /** Start-up failures in a row (reset by a worker that became ready). */
  #startFailures = 0;
  /** Workers killed by a signal from outside while starting, in a row (reset by a ready one). */
  #startKills = 0;
  /** While set, no worker is spawned: the backoff after a starting worker was killed. */
  #backoff: ReturnType<typeof setTimeout> | undefined;

  /** Whether new workers wait (a starting worker was just killed from outside). */
  get backingOff(): boolean {
    return this.#backoff !== undefined;
  }

  constructor(readonly engine: Engine) {}

  spawn(): Slot {
    const engine = this.engine;
    const slot = new Slot(this.#nextWorkerId++, now());
    slot.hub = new ChannelHub((message, transfer) => slot.handle.post(message, transfer), true);
    const capabilities = engine.transport.capabilities;
    slot.serializeContext = {
      capabilities,
      openChannel: () => slot.hub.open(),
      onCallSettled: (callback) => {
        const call = engine.scheduler.encodingCall;
        if (call === undefined) {
          throw new Error('onCallSettled() can only be called inside serialize()');
        }
        call.onRelease ??= [];
        call.onRelease.push(callback);
      },
      onCallGivenUp: (callId, withdraw) => this.#onCallGivenUp(slot, callId, withdraw),
      onWorkerExit: (callback) => {
        slot.exitCallbacks.push(callback);
      },
    };
    slot.deserializeContext = {
      capabilities,
      channel: (id) => slot.hub.get(id),
      // a result arrives after its task ended
      onTaskEnd: (callback) => queueMicrotask(callback),
      onWorkerExit: (callback) => {
        slot.exitCallbacks.push(callback);
      },
    };
    const o = engine.options;
    if (capabilities.sharedMemory) slot.aborts = new Int32Array(new SharedArrayBuffer(4));
    engine.slots.push(slot);
    slot.handle = engine.transport.spawn(
      {
        boot: {
          workerId: slot.id,
          concurrency: o.concurrentTasksPerWorker,
          ...(slot.aborts !== undefined ? { aborts: slot.aborts } : {}),
          ...(o.initializer !== undefined
            ? { initializer: o.initializer, initArgs: o.initArgs }
            : {}),
        },
        execArgv: o.execArgv,
        env: o.env,
        resourceLimits: o.resourceLimits,
      },
      {
        onMessage: (message) => this.#onMessage(slot, message as unknown[]),
        onError: (error) => {
          slot.lastError = error;
        },
        onExit: (code, signal) => this.#onExit(slot, code, signal),
      },
    );
    slot.threadId = slot.handle.threadId;
    slot.handle.unref();
    return slot;
  }

  #onCallGivenUp(slot: Slot, callId: number, withdraw: (reason: unknown) => void): () => void {
    if (slot.givenUp.has(callId) || slot.state === SlotState.Dead) {
      withdraw(slot.givenUp.get(callId));
      return () => {};
    }
    let set = slot.withdrawals.get(callId);
    if (set === undefined) {
      set = new Set();
      slot.withdrawals.set(callId, set);
    }
    set.add(withdraw);
    return () => {
      const current = slot.withdrawals.get(callId);
      if (current === undefined) return;
      current.delete(withdraw);
      if (current.size === 0) slot.withdrawals.delete(callId);
    };
  }

  /**
   * The pool gave up `call` (timeout, abort) while `slot` had it: what handlers
   * hold for it on this side (a queue's waiting gets) is withdrawn now, before the
   * worker even hears of it, so nothing is handed to a task that is gone.
   */
  giveUp(slot: Slot, call: Call, reason: unknown): void {
    slot.givenUp.set(call.id, reason);
    const withdrawals = slot.withdrawals.get(call.id);
    if (withdrawals === undefined) return;
    slot.withdrawals.delete(call.id);
    for (const withdraw of withdrawals) {
      try {
        withdraw(reason);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #onMessage(slot: Slot, message: unknown[]): void {
    switch (message[0]) {
      case Msg.Results:
        this.engine.scheduler.onResults(slot, message);
        break;
      case Msg.Ready:
        if (slot.state === SlotState.Starting) slot.state = SlotState.Ready;
        slot.readyOnce = true;
        if (slot.awaitsReplacement) {
          slot.awaitsReplacement = false;
          if (this.engine.state === PoolState.Open) this.spawn();
        }
        slot.lastProgress = now();
        this.#startFailures = 0;
        this.#startKills = 0;
        this.engine.scheduler.promote(slot);
        this.afterActivity(slot);
        break;
      case Msg.Fatal: {
        const wire = message[1] as WireError | undefined;
        slot.fatal = {
          error: wire === undefined ? undefined : deserializeError(wire),
          started: new Set(message[2] as number[]),
          code: message[3] as number,
        };
        break;
      }
      case Msg.StartFailed:
        slot.startError = deserializeError(message[1] as WireError);
        slot.handle.terminate();
        break;
      case Msg.Channel:
        slot.hub.receive(message[1] as number, message[2] as number, message[3]);
        break;
    }
  }

  /** After results or readiness: refill, retire, idle. */
  afterActivity(slot: Slot): void {
    const engine = this.engine;
    if (engine.ledger.queued > 0) engine.scheduler.pump();
    if (slot.outstanding !== 0) return;
    if (slot.state === SlotState.Retiring) {
      this.stop(slot);
    } else if (slot.live) {
      if (slot.refd) {
        slot.refd = false;
        slot.handle.unref();
      }
      this.#armIdle(slot);
    }
  }

  #armIdle(slot: Slot): void {
    const idle = this.engine.options.idleTimeout;
    if (idle === Number.POSITIVE_INFINITY || slot.idleTimer !== undefined) return;
    // No clock reads: if the worker took no call while the timer ran, it was idle
    // for the whole timeout; otherwise start over.
    const dispatched = slot.dispatched;
    slot.idleTimer = setTimer(() => {
      slot.idleTimer = undefined;
      if (!slot.live) return;
      if (slot.outstanding > 0) return;
      if (slot.dispatched !== dispatched) {
        this.#armIdle(slot);
        return;
      }
      if (this.#liveCount() <= this.engine.options.minWorkers) return;
      this.stop(slot);
    }, idle);
    slot.idleTimer.unref?.();
  }

  #liveCount(): number {
    let live = 0;
    for (const slot of this.engine.slots) if (slot.live) live++;
    return live;
  }

  /**
   * The worker took its last call (`maxTasksPerWorker`): its replacement starts now,
   * while it runs that call, or — if it is not up yet — once it is. A worker handed
   * its last calls while starting (`maxTasksPerWorker: 1`, a batch) would otherwise
   * start a replacement that did the same at once, and a burst would start a worker
   * per call, all at the same time, whatever `maxWorkers` says.
   */
  retire(slot: Slot): void {
    slot.state = SlotState.Retiring;
    if (this.engine.state === PoolState.Open) {
      if (slot.readyOnce) this.spawn();
      else slot.awaitsReplacement = true;
    }
    if (slot.outstanding === 0) this.stop(slot);
  }

  /** Ends a worker the pool no longer wants (recycle, idle, close): not a crash. */
  stop(slot: Slot): void {
    slot.expectedExit = true;
    if (slot.state !== SlotState.Dead) slot.state = SlotState.Retiring;
    slot.handle.terminate();
  }

  /** Stops every worker, including replacements spawned meanwhile; resolves when none is left. */
  async stopAll(): Promise<void> {
    if (this.#backoff !== undefined) {
      clearTimeout(this.#backoff);
      this.#backoff = undefined;
    }
    const slots = [...this.engine.slots];
    for (const slot of slots) this.stop(slot);
    await Promise.all(slots.map((s) => s.exited));
    if (this.engine.slots.length > 0) await this.stopAll();
  }

  #onExit(slot: Slot, code: number | null, signal: string | null): void {
    if (slot.state === SlotState.Dead) return;
    const engine = this.engine;
    slot.state = SlotState.Dead;
    // its place is free: the pump starts a worker if calls wait for one
    slot.awaitsReplacement = false;
    slot.diedAt = now();
    engine.stats.deadWorkerTime += slot.diedAt - slot.bornAt;
    const index = engine.slots.indexOf(slot);
    if (index >= 0) engine.slots.splice(index, 1);
    if (slot.idleTimer !== undefined) clearTimer(slot.idleTimer);
    slot.withdrawals.clear();
    slot.givenUp.clear();
    slot.hub.closeAll();
    const outstanding: Call[] = [...slot.sent, ...slot.running];
    this.#runExitCallbacks(slot, !slot.expectedExit || outstanding.length > 0);
    slot.sent.clear();
    slot.running.clear();
    outstanding.sort((a, b) => a.id - b.id);
    const startFailure = !slot.readyOnce && !slot.expectedExit;
    // Killed from outside before it was ready: not the configuration's fault.
    const killed =
      startFailure &&
      signal !== null &&
      OUTSIDE_SIGNALS.has(signal) &&
      slot.startError === undefined &&
      slot.fatal === undefined;
    if (killed) {
      // its calls certainly never started (a worker runs nothing before READY)
      this.#requeue(outstanding, slot, code, signal, true);
      this.#startKills++;
      this.#backOff();
    } else if (startFailure) {
      this.#startFailures++;
      this.#requeue(outstanding, slot, code, signal, true);
      if (this.#startFailures >= MAX_START_FAILURES && engine.state !== PoolState.Closed) {
        this.#break(startFailureCause(slot, code, signal));
      }
    } else {
      const requeue: Call[] = [];
      let blamed = false;
      for (const call of outstanding) {
        const started = slot.fatal
          ? slot.fatal.started.has(call.id)
          : call.state === CallState.Running;
        if (started) {
          blamed = true;
          engine.ledger.move(call, CallState.Done, rejected(crashError(slot, call, code, signal)));
        } else requeue.push(call);
      }
      this.#requeue(requeue, slot, code, signal);
      // An error thrown while no call ran (a timer or a promise a task left behind)
      // has no call to reject: it is printed rather than lost, and the worker replaced.
      const error = slot.fatal?.error;
      if (!blamed && error !== undefined && !slot.expectedExit) {
        console.error(
          `Worker #${slot.id} of the pool died of an error thrown while it ran no call (a timer or a promise a task left behind); it is replaced:`,
          error,
        );
      }
    }
    slot.markExited();
    this.#refill();
  }

  /** After a worker left: `minWorkers` kept, queued calls dispatched (unless backing off). */
  #refill(): void {
    const engine = this.engine;
    if (this.#backoff !== undefined) return;
    if (engine.state === PoolState.Open || engine.state === PoolState.Closing) {
      while (engine.state === PoolState.Open && this.#liveCount() < engine.options.minWorkers) {
        this.spawn();
      }
      if (engine.ledger.queued > 0) engine.scheduler.schedulePump();
    }
  }

  /**
   * What transfer handlers asked to run once this worker is gone (the shared locks
   * of @par/threads free what it held), before its calls are requeued. One that
   * throws does not stop the others; its error is rethrown afterwards, uncaught.
   */
  #runExitCallbacks(slot: Slot, interrupted: boolean): void {
    if (slot.exitCallbacks.length === 0) return;
    const worker = {
      workerId: slot.id,
      threadId: slot.threadId,
      pid: slot.handle.pid,
      interrupted,
    };
    const callbacks = slot.exitCallbacks.splice(0);
    for (const callback of callbacks) {
      try {
        callback(worker);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** A starting worker was killed from outside: spawn again only after a backoff. */
  #backOff(): void {
    if (this.#backoff !== undefined) clearTimeout(this.#backoff);
    const delay = Math.min(
      RESTART_BACKOFF_MS * 2 ** (this.#startKills - 1),
      MAX_RESTART_BACKOFF_MS,
    );
    this.#backoff = setTimeout(() => {
      this.#backoff = undefined;
      this.#refill();
    }, delay);
  }

  /**
   * The calls of a dead worker that had not started go back to the front of the
   * queue. `certain`: the worker never became ready, so none of them can have started.
   */
  #requeue(
    calls: Call[],
    slot: Slot,
    code: number | null,
    signal: string | null,
    certain = false,
  ): void {
    const engine = this.engine;
    const ledger = engine.ledger;
    const back: Call[] = [];
    for (const call of calls) {
      call.worker = undefined;
      if (call.settled) {
        ledger.move(call, CallState.Done);
        continue;
      }
      if (engine.state === PoolState.Closed || engine.state === PoolState.Broken) {
        ledger.move(call, CallState.Done, rejected(engine.closedError()));
        continue;
      }
      // Only an uncertain requeue counts (the worker died without saying which calls
      // had started, e.g. out of memory): a call that keeps landing on dying workers
      // then fails instead of looping.
      if (!certain && slot.fatal === undefined && slot.killReason === undefined) call.requeues++;
      // A call whose transferred objects moved to the dead worker cannot run
      // again (it would run on emptied buffers): it fails as a crash.
      if (call.requeues > MAX_REQUEUES || call.transferred) {
        const why = call.transferred
          ? 'its transferred objects went to that worker, so it cannot run elsewhere'
          : `workers died under it ${call.requeues} times before it could start`;
        ledger.move(
          call,
          CallState.Done,
          rejected(crashError(slot, call, code, signal, false, why)),
        );
        continue;
      }
      back.push(call);
    }
    engine.scheduler.requeueFront(back);
  }

  /** Too many start-up failures: every pending and later call rejects with BrokenPoolError. */
  #break(cause: unknown): void {
    const engine = this.engine;
    engine.state = PoolState.Broken;
    engine.brokenError = brokenPoolError(cause);
    engine.ledger.wakeAllRoomWaiters();
    engine.rejectAll(engine.brokenError);
    for (const slot of [...engine.slots]) this.stop(slot);
  }
}
