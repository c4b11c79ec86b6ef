// The worker side of every pool, whatever the transport: the core loop. It takes
// batches of calls from the inbox, runs them in order (up to `concurrency` at
// once) and hands results to the outbox. Its parts: task-loader.ts (modules and
// self-contained functions), chunk-runner.ts (map chunks), outbox.ts (batched
// results), inbox.ts (reading the port, polling), fatal.ts (dying with last words).
// Written for the hot path: no per-task objects beyond the task context.

import { Deque } from '@par/async/internal';
import { BATCH_WORK_MS } from '../batch-target.js';
import { ChannelHub } from '../channel-hub.js';
import { deserializeError, serializeError, type WireError } from '../error-codec.js';
import { Msg, Status, TaskFlag } from '../protocol.js';
import {
  abortTaskContext,
  createTaskContext,
  runInTaskContext,
  type TaskContext,
} from '../task-signal.js';
import type { DeserializeContext } from '../transfer-handlers.js';
import type { WorkerBoot, WorkerPort } from '../transport.js';
import { decodeArgs } from '../wire-codec.js';
import { invoke, isThenable, runChunk } from './chunk-runner.js';
import { now } from './clock.js';
import { installFatalHandlers } from './fatal.js';
import { Inbox } from './inbox.js';
import { Outbox } from './outbox.js';
import { type AnyFn, closureError, type Entry, resolveWireTask, TaskTable } from './task-loader.js';

/**
 * A long synchronous batch sends its finished results this often (ms): the work of
 * one batch, the number the pool's BatchPolicy sizes batches by. The pool hands a busy worker its next
 * batch once it heard that a batch's worth of its calls is done, so results reported
 * every batch keep the worker's queue topped up (it holds two batches); reported only
 * when the queue ran dry, the worker waited for a round trip after every couple of
 * batches. More often costs CPU: every report wakes the pool's owner.
 */
const FLUSH_EVERY_MS = BATCH_WORK_MS;
/**
 * A worker that keeps finding its next call on its port when its queue runs dry goes
 * on without turning its event loop for at most this long (ms).
 */
const CONTINUE_MS = 20;
/**
 * Before it starts the last call it holds, a worker sends the results it has when
 * that task's last run took this long (ms) or longer. The pool sends more
 * calls as results come back: kept until after that call, they left the worker
 * without work for a round trip once it ended (tasks of 2–8 ms, one call held ahead:
 * after every second call), and their callers waited a call longer. A shorter call
 * hides little of the round trip (0.1–0.5 ms) and the extra message would cost the
 * pool's owner more than it saves.
 */
const REFILL_MS = 0.25;

/**
 * Runs the worker side of a pool over `port`: loads task modules, compiles
 * self-contained functions, runs tasks and reports results. Called once by a
 * transport's worker entry file.
 *
 * @example
 * ```ts
 * // worker entry of a transport
 * import { startWorkerRuntime } from '@par/core/worker';
 * startWorkerRuntime(port, boot);
 * ```
 */
export function startWorkerRuntime(port: WorkerPort, boot: WorkerBoot): void {
  const concurrency = Math.max(1, boot.concurrency | 0);
  /** WorkerPort#beforeUserCode, until it was called (once; the port may deliver a RUN at once). */
  let beforeUserCode = port.beforeUserCode?.bind(port);
  const tasks = new TaskTable();
  // flat: id, key, flags, args
  const queue = new Deque<unknown>(64);
  /** Calls aborted before they started: they are skipped (reported Dropped). */
  const dropped = new Set<number>();
  /** Async calls running, by id, with their task context (an ABORT aborts its signal). */
  const active = new Map<number, TaskContext>();
  let running = 0;
  let ready = false;
  /** A task module is loading: the queue waits for it. */
  let stalled = false;
  /** The synchronous call running now, for the fatal handlers. */
  let currentId = -1;
  /** A task context no task kept (no signal asked for), reused by the next call. */
  let spare: TaskContext | undefined;
  const hub = new ChannelHub((message, transfer) => port.post(message, transfer));
  const outbox = new Outbox(port, hub);
  /** Where onTaskEnd callbacks go while a task's arguments are decoded. */
  let decodingEnds: (() => void)[] | undefined;
  const deserializeContext: DeserializeContext = {
    capabilities: port.capabilities,
    channel: (id: number) => hub.get(id),
    onTaskEnd: (callback) => {
      if (decodingEnds === undefined) {
        throw new Error('onTaskEnd() can only be called inside deserialize()');
      }
      decodingEnds.push(callback);
    },
  };
  const resume = (): void => {
    drain();
    outbox.flush();
  };
  const inbox = new Inbox(port, boot.aborts, {
    handle: onMessage,
    resume,
    idle: () => ready && !stalled && running === 0 && queue.length === 0,
  });

  /** Decodes envelopes in place; returns the task's onTaskEnd callbacks. */
  function decodeArguments(args: unknown[], flags: number): (() => void)[] {
    const ends: (() => void)[] = [];
    decodingEnds = ends;
    try {
      decodeArgs(args, flags, deserializeContext);
    } finally {
      decodingEnds = undefined;
    }
    return ends;
  }

  function settleAsync(
    id: number,
    entry: Entry,
    promise: PromiseLike<unknown>,
    t0: number,
    ends: (() => void)[] | undefined,
  ): void {
    running++;
    promise.then(
      (value) => {
        running--;
        active.delete(id);
        outbox.pushValue(id, value, now() - t0, entry);
        outbox.runAfterFlush(ends);
        scheduleFlush();
      },
      (error: unknown) => {
        running--;
        active.delete(id);
        outbox.pushError(id, closureError(error, entry), now() - t0, entry);
        outbox.runAfterFlush(ends);
        scheduleFlush();
      },
    );
  }

  let flushScheduled = false;
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(() => {
      flushScheduled = false;
      resume();
    });
  }

  /** Keeps how long a synchronous run of `entry` took: a single call's, or a map chunk's. */
  function recordRun(entry: Entry, flags: number, ms: number): void {
    if ((flags & TaskFlag.Chunk) !== 0) entry.chunkLastMs = ms;
    else entry.lastMs = ms;
  }

  function runOne(id: number, entry: Entry, flags: number, args: unknown[]): void {
    const context = spare ?? createTaskContext();
    spare = undefined;
    context.callId = id;
    const t0 = now();
    currentId = id;
    let result: unknown;
    let ends: (() => void)[] | undefined;
    try {
      const fn = entry.fn as AnyFn;
      if (flags & TaskFlag.Encoded) ends = decodeArguments(args, flags);
      result =
        flags & TaskFlag.Chunk
          ? runInTaskContext(
              context,
              runChunk,
              fn,
              args[0] as unknown[],
              (flags & TaskFlag.Star) !== 0,
            )
          : runInTaskContext(context, invoke, fn, args);
    } catch (error) {
      currentId = -1;
      const t1 = now();
      recordRun(entry, flags, t1 - t0);
      inbox.ran(t0, t1);
      outbox.pushError(id, closureError(error, entry), t1 - t0, entry);
      outbox.runAfterFlush(ends);
      if (t1 - outbox.since > FLUSH_EVERY_MS) outbox.flush();
      return;
    }
    currentId = -1;
    if (isThenable(result)) {
      active.set(id, context);
      settleAsync(id, entry, result, t0, ends);
      return;
    }
    if (context.controller === undefined && !context.aborted) spare = context;
    const t1 = now();
    recordRun(entry, flags, t1 - t0);
    inbox.ran(t0, t1);
    outbox.pushValue(id, result, t1 - t0, entry);
    outbox.runAfterFlush(ends);
    // In a long batch, send what is done every few ms: callers get results sooner,
    // and a worker that dies mid-batch (out of memory) has reported the rest.
    if (t1 - outbox.since > FLUSH_EVERY_MS) outbox.flush();
  }

  /** Starts queued calls while there is capacity. */
  function drain(): void {
    if (!ready || stalled || inbox.looking || inbox.yielded) return;
    const entered = now();
    let ran = false;
    for (;;) {
      ran = drainQueue() || ran;
      // The queue ran dry after synchronous calls: the parent's next RUN (sent when an
      // earlier result reached it) is likely waiting on the port already. A port that
      // can be polled hands it over now, with the results posted first, instead of
      // after a turn of the event loop (an epoll wake and the stream's read path per
      // call). Not while an async call is pending (its continuation needs the loop),
      // and the loop still turns at least every CONTINUE_MS (timers, I/O, microtasks).
      if (
        !ran ||
        queue.length > 0 ||
        running > 0 ||
        stalled ||
        !inbox.polls ||
        now() - entered > CONTINUE_MS
      ) {
        return;
      }
      outbox.flush();
      inbox.look();
      if (queue.length === 0) return;
    }
  }

  /** Starts queued calls while there is capacity; returns whether it ran one. */
  function drainQueue(): boolean {
    let ran = false;
    while (queue.length > 0 && running < concurrency) {
      // an ABORT can come for a call waiting here only if it is Cancellable
      if (
        ((queue.at(2) as number) & TaskFlag.Cancellable) !== 0 &&
        inbox.shouldLook() &&
        !inbox.look()
      ) {
        return ran;
      }
      const id = queue.shift() as number;
      const key = queue.shift() as number;
      const flags = queue.shift() as number;
      const args = queue.shift() as unknown[];
      if (dropped.size > 0 && dropped.delete(id)) {
        outbox.push(id, Status.Dropped, undefined, 0);
        continue;
      }
      const entry = tasks.get(key);
      if (entry.fn === undefined) {
        if (entry.loading !== undefined) {
          queue.unshift(args);
          queue.unshift(flags);
          queue.unshift(key);
          queue.unshift(id);
          stalled = true;
          outbox.flush();
          entry.loading.then(() => {
            stalled = false;
            resume();
          });
          return ran;
        }
        outbox.pushError(id, entry.error, 0, entry);
        continue;
      }
      // Results already done go out before a call that may not come back (see
      // Entry#lastMs), and before the last call held, so the pool can send more (REFILL_MS)
      const lastMs = (flags & TaskFlag.Chunk) !== 0 ? entry.chunkLastMs : entry.lastMs;
      if (
        (flags & TaskFlag.Timed) !== 0 ||
        lastMs === undefined ||
        lastMs > FLUSH_EVERY_MS ||
        (queue.length === 0 && lastMs >= REFILL_MS)
      ) {
        outbox.flush();
      }
      runOne(id, entry, flags, args);
      ran = true;
    }
    if (queue.length === 0 && dropped.size > 0 && running === 0) dropped.clear();
    return ran;
  }

  function userCodeAhead(): void {
    if (beforeUserCode === undefined) return;
    const hook = beforeUserCode;
    beforeUserCode = undefined;
    hook();
  }

  /** `[RUN, defs | 0, id, key, flags, args, …]` */
  function onRun(message: unknown[]): void {
    userCodeAhead();
    const defs = message[1] as unknown[] | 0;
    if (defs !== 0) {
      for (let i = 0; i < defs.length; i += 4) {
        tasks.define(defs[i] as number, defs[i + 1], defs[i + 2], defs[i + 3]);
      }
    }
    for (let i = 2; i < message.length; i += 4) {
      queue.push(message[i]);
      queue.push(message[i + 1]);
      queue.push(message[i + 2]);
      queue.push(message[i + 3]);
    }
    resume();
  }

  /** `[ABORT, id, reason]`: a running call's signal aborts; a waiting one is dropped. */
  function onAbort(id: number, reason: WireError): void {
    const context = active.get(id);
    if (context !== undefined) {
      abortTaskContext(context, deserializeError(reason));
      return;
    }
    dropped.add(id);
  }

  function onMessage(message: unknown[]): void {
    switch (message[0]) {
      case Msg.Run:
        onRun(message);
        break;
      case Msg.Abort:
        onAbort(message[1] as number, message[2] as WireError);
        break;
      case Msg.Channel:
        hub.receive(message[1] as number, message[2] as number, message[3]);
        break;
    }
  }

  installFatalHandlers(
    port,
    () => outbox.flush(),
    () => {
      const ids = [...active.keys()];
      if (currentId >= 0) ids.push(currentId);
      return ids;
    },
  );

  const start = async () => {
    if (boot.initializer !== undefined) {
      userCodeAhead();
      const fn = await resolveWireTask(boot.initializer);
      await runInTaskContext(createTaskContext(), invoke, fn, [...(boot.initArgs ?? [])]);
    }
  };
  start().then(
    () => {
      ready = true;
      port.post([Msg.Ready]);
      resume();
    },
    (error: unknown) => {
      port.post([Msg.StartFailed, serializeError(error)]);
    },
  );
}

export { resolveWireTask };
