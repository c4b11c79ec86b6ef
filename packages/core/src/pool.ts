// The pool engine: one FIFO of calls, least-loaded dispatch with lazy worker
// start, batching when every worker is busy, timeouts and aborts with a grace
// period, crash recovery, recycling, and a broken state after repeated start-up
// failures. Transports only move messages (see transport.ts).

import { TimeoutError } from '@par/async';
import { Deque, validateOptions, validateSignal, validateTimeout } from '@par/async/internal';
import { QueueFull } from '@par/queue';
import { Call, CallState } from './call.js';
import type { CallerArgs } from './caller-args.js';
import { ChannelHub } from './channel-hub.js';
import { deserializeError, serializeError, type WireError } from './error-codec.js';
import {
  BrokenPoolError,
  NotCloneableError,
  PoolClosedError,
  WorkerCrashedError,
} from './errors.js';
import { FunctionRegistry, type TaskDef } from './function-registry.js';
import { type MapKind, mapAll, mapIter } from './map.js';
import type {
  CallDescriptor,
  IMapOptions,
  MapOptions,
  PoolStats,
  RunOptions,
} from './pool-options.js';
import { ENVELOPE, type Envelope, Msg, Status, TaskFlag } from './protocol.js';
import { Slot, SlotState } from './slot.js';
import { SampleRing } from './stats.js';
import { isTaskRef, type Task } from './task-ref.js';
import { isTransfer } from './transfer.js';
import {
  findTransferHandler,
  getTransferHandler,
  hasTransferHandlers,
} from './transfer-handlers.js';
import type { Transport } from './transport.js';
import { type ResolvedPoolOptions, resolvePoolOptions } from './validate-options.js';

const PoolState = { Open: 0, Closing: 1, Closed: 2, Broken: 3 } as const;

/** Start-up failures in a row that break the pool. */
const MAX_START_FAILURES = 3;
/** A call is requeued at most this often after workers died under it before it started. */
const MAX_REQUEUES = 3;
/** Batching aims at about this much work per message. */
const BATCH_TARGET_MS = 2;
const MAX_BATCH = 1024;

/** The argument types of a task. */
export type TaskArgs<T> = T extends Task<infer A, unknown> ? A : never;
/** The resolved result type of a task. */
export type TaskResult<T> = T extends Task<unknown[], infer R> ? Awaited<R> : never;

const now = () => performance.now();

/** The keys of the call-descriptor form `run({ task, args, … })`. */
const DESCRIPTOR_KEYS = new Set(['task', 'args', 'signal', 'timeout', 'transfer']);

const FAILED_DEF: TaskDef = {
  mean: Number.NaN,
  chunkMean: Number.NaN,
  key: -1,
  info: { name: '', module: undefined },
  wire: { source: '', name: '' },
  label: '(invalid task)',
};

function describeArg(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'object' && value !== null) {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}

/** @internal Per-call options after validation. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  transfer?: readonly Transferable[] | undefined;
}

/**
 * The pool engine behind `ThreadPool` and `ProcessPool`: give it a
 * {@link Transport} and it schedules calls on workers. Most users want
 * `ThreadPool` (@par/threads) or `ProcessPool` (@par/processes) instead.
 *
 * @example
 * ```ts
 * class MyPool extends Pool {
 *   constructor(options: PoolOptions = {}) { super(new MyTransport(), options); }
 * }
 * ```
 */
export class Pool {
  readonly #transport: Transport;
  readonly #options: ResolvedPoolOptions;
  readonly #registry = new FunctionRegistry();
  readonly #queue = new Deque<Call>(256);
  /** Calls in the queue that are still waiting (the deque also holds removed ones). */
  #queued = 0;
  readonly #calls = new Map<number, Call>();
  readonly #slots: Slot[] = [];
  #nextCallId = 1;
  #nextWorkerId = 1;
  #state: number = PoolState.Open;
  #startFailures = 0;
  #brokenError: BrokenPoolError | undefined;
  #pumpScheduled = false;
  readonly #pumpBound = () => this.#pump();
  #completed = 0;
  #failed = 0;
  #running = 0;
  #runTimeTotal = 0;
  #deadWorkerTime = 0;
  readonly #bornAt = now();
  readonly #runTimes = new SampleRing();
  readonly #waitTimes = new SampleRing();
  #closing: Promise<void> | undefined;
  /** The call whose arguments are being encoded (SerializeContext#onCallSettled). */
  #encodingCall: Call | undefined;
  #drainWaiters: (() => void)[] = [];

  constructor(transport: Transport, options?: unknown, transportOptions: readonly string[] = []) {
    this.#transport = transport;
    this.#options = resolvePoolOptions(options, transportOptions);
    for (let i = 0; i < this.#options.minWorkers; i++) this.#spawn();
  }

  /** The validated options (for subclasses). */
  protected get poolOptions(): Readonly<ResolvedPoolOptions> {
    return this.#options;
  }

  /** The most workers this pool runs at once. */
  get maxWorkers(): number {
    return this.#options.maxWorkers;
  }

  /**
   * Runs `task(...args)` in a worker. `task` is a reference from `tasks(url)` or a
   * self-contained function. Never throws: every problem is a rejection.
   * The call-descriptor form `run({ task, args, signal, timeout, transfer })` carries options.
   *
   * @example
   * ```ts
   * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
   * await pool.run(t.square, 3); // 9
   * await pool.run({ task: t.square, args: [3], timeout: 1000 });
   * ```
   */
  run<A extends unknown[], R>(task: Task<A, R>, ...args: A): Promise<Awaited<R>>;
  run<A extends unknown[], R>(task: Task<A, R>, ...args: CallerArgs<A>): Promise<Awaited<R>>;
  run<A extends unknown[], R>(call: CallDescriptor<A, R>): Promise<Awaited<R>>;
  run(first: unknown, ...rest: unknown[]): Promise<unknown> {
    try {
      if (typeof first === 'function' || isTaskRef(first)) {
        return this._submit(first, rest, 0, undefined).promise;
      }
      if (typeof first === 'object' && first !== null && 'task' in first) {
        const d = first as CallDescriptor;
        for (const key of Object.keys(d)) {
          if (!DESCRIPTOR_KEYS.has(key)) {
            throw new TypeError(
              `Unknown key \`${key}\` in the call descriptor (expected task, args, signal, timeout, transfer)`,
            );
          }
        }
        const options = this.#callOptions(d);
        if (d.args !== undefined && !Array.isArray(d.args)) {
          throw new TypeError('Expected `args` to be an array of arguments');
        }
        return this._submit(d.task, d.args === undefined ? [] : [...d.args], 0, options).promise;
      }
      throw new TypeError(
        `Expected a task (tasks(new URL('./tasks.js', import.meta.url)).name or a self-contained function) or a call descriptor { task, args }, got ${
          first === null ? 'null' : typeof first
        }`,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Applies `task` to every item and resolves to the results in input order. The
   * items travel in chunks (one message and one worker loop per chunk); a chunk
   * counts as one task for `maxTasksPerWorker`. The first failure rejects at once
   * and cancels the chunks not yet started.
   *
   * @example
   * ```ts
   * await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]
   * ```
   */
  map<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll('map', task, iterable, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Like `map`, with every item an argument list: `starmap(t.add, [[1, 2], [3, 4]])`.
   *
   * @example
   * ```ts
   * await pool.starmap(t.add, [[1, 2], [3, 4]]); // [3, 7]
   * ```
   */
  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll('starmap', task, iterable, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Streams the results in input order while reading the input lazily (bounded
   * read-ahead). Leaving the loop stops reading the input and cancels pending work.
   *
   * @example
   * ```ts
   * for await (const line of pool.imap(t.parse, readLines(file))) console.log(line);
   * ```
   */
  imap<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: IMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return mapIter(this, 'imap', task, iterable, options) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Like `imap`, yielding each result as soon as it is ready.
   *
   * @example
   * ```ts
   * for await (const r of pool.imapUnordered(t.fetchPage, urls)) console.log(r);
   * ```
   */
  imapUnordered<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: IMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return mapIter(this, 'imapUnordered', task, iterable, options) as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  #mapAll(
    kind: MapKind,
    task: unknown,
    iterable: unknown,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    try {
      return mapAll(this, kind, task, iterable, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * No new calls; queued and running calls finish, then the workers exit.
   * Resolves when no worker remains.
   *
   * @example
   * ```ts
   * try { await pool.map(t.square, xs); } finally { await pool.close(); }
   * ```
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (this.#state === PoolState.Open) this.#state = PoolState.Closing;
    this.#closing = (async () => {
      await this.#drained();
      await this.#stopAll();
    })();
    return this.#closing;
  }

  /**
   * Rejects every queued and running call with `PoolClosedError`, stops the
   * workers, and resolves when none remains.
   *
   * @example
   * ```ts
   * await pool.terminate();
   * ```
   */
  terminate(): Promise<void> {
    const wasBroken = this.#state === PoolState.Broken;
    if (!wasBroken) this.#state = PoolState.Closed;
    const error = new PoolClosedError('The pool was terminated');
    this.#rejectQueued(this.#brokenError ?? error);
    for (const call of this.#calls.values()) this.#settle(call, false, error);
    this.#notifyDrained();
    const stopping = this.#stopAll();
    this.#closing ??= stopping;
    return stopping;
  }

  /** `await using pool = new ThreadPool()` closes the pool (queued work finishes). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A snapshot of the pool.
   *
   * @example
   * ```ts
   * const { workers, queued, runTime } = pool.stats();
   * ```
   */
  stats(): PoolStats {
    const t = now();
    let idle = 0;
    let aliveTime = this.#deadWorkerTime;
    for (const slot of this.#slots) {
      if (slot.state !== SlotState.Dead) aliveTime += t - slot.bornAt;
      if (slot.outstanding === 0) idle++;
    }
    return {
      workers: this.#slots.length,
      idle,
      running: this.#running,
      queued: this.#queued,
      completed: this.#completed,
      failed: this.#failed,
      utilization: aliveTime > 0 ? Math.min(1, this.#runTimeTotal / aliveTime) : 0,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
    };
  }

  /** @internal The workers' handles (Thread reads its threadId). */
  _handles(): { id: number; threadId?: number | undefined; pid?: number | undefined }[] {
    return this.#slots.map((s) => ({ id: s.id, threadId: s.handle.threadId, pid: s.handle.pid }));
  }

  #callOptions(o: RunOptions): CallOptions {
    const signal = validateSignal('signal', o.signal);
    const timeout = validateTimeout('timeout', o.timeout);
    if (
      o.transfer !== undefined &&
      !Array.isArray(o.transfer) &&
      !(o.transfer as unknown as Iterable<unknown>)[Symbol.iterator]
    ) {
      throw new TypeError('Expected `transfer` to be an array of transferable objects');
    }
    return {
      signal,
      timeout,
      transfer: o.transfer === undefined ? undefined : [...o.transfer],
    };
  }

  /** @internal Validates per-call options shared with map. */
  _callOptions(o: unknown): CallOptions {
    return this.#callOptions(validateOptions<RunOptions>('options', o) as RunOptions);
  }

  /**
   * @internal Queues one call. Throws TypeError for an invalid task; a closed or
   * broken pool gives a rejected call.
   */
  _submit(task: unknown, args: unknown[], flags: number, options: CallOptions | undefined): Call {
    const def = this.#registry.defs[this.#registry.keyOf(task)];
    if (def === undefined) throw new TypeError('Unknown task');
    const timeout = options?.timeout ?? this.#options.timeout;
    const signal = options?.signal;
    const call = new Call(
      this.#nextCallId++,
      def,
      args,
      timeout === undefined || timeout === Number.POSITIVE_INFINITY
        ? flags
        : flags | TaskFlag.Timed,
      timeout === Number.POSITIVE_INFINITY ? undefined : timeout,
      signal,
      options?.transfer,
    );
    const promise = new Promise<unknown>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    call.promise = promise;
    if (this.#state !== PoolState.Open) {
      return this.#rejectAtSubmit(call, this.#brokenError ?? new PoolClosedError());
    }
    if (signal?.aborted) return this.#rejectAtSubmit(call, signal.reason);
    if (this.#options.maxQueue !== Number.POSITIVE_INFINITY && (flags & TaskFlag.Chunk) === 0) {
      if (this.#queued - this.#freeCapacity() >= this.#options.maxQueue) {
        return this.#rejectAtSubmit(
          call,
          new QueueFull(
            `The pool's queue is full (maxQueue: ${this.#options.maxQueue}); wait for calls to finish or raise maxQueue`,
          ),
        );
      }
    }
    if (signal !== undefined) {
      call.onAbort = () => this.#abort(call, signal.reason);
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    call.submittedAt = now();
    this.#queue.push(call);
    this.#queued++;
    this.#schedulePump();
    return call;
  }

  /** A call that never enters the queue still counts as failed in stats(). */
  #rejectAtSubmit(call: Call, error: unknown): Call {
    call.settled = true;
    call.state = CallState.Removed;
    this.#failed++;
    call.reject(error);
    return call;
  }

  /** @internal A call that failed before it was queued (for Future). */
  _failedCall(error: unknown): Call {
    const call = new Call(0, FAILED_DEF, [], 0, undefined, undefined, undefined);
    call.settled = true;
    call.state = CallState.Removed;
    call.promise = Promise.reject(error);
    return call;
  }

  /** @internal imap with a kind (the executor's map uses 'istarmap'). */
  _imap(
    kind: MapKind,
    task: unknown,
    iterable: unknown,
    options: unknown,
  ): AsyncIterableIterator<unknown> {
    return mapIter(this, kind, task, iterable, options);
  }

  /** @internal Throws the TypeError `run` would reject with for a bad task. */
  _validateTask(task: unknown): void {
    this.#registry.keyOf(task);
  }

  /**
   * @internal Cancels every call that has not started: the queue, and the calls
   * waiting in busy workers (executor shutdown with cancelFutures).
   */
  _cancelQueued(reason: unknown): void {
    for (const call of [...this.#queue]) {
      if (this._cancel(call, reason)) call.cancelled = true;
    }
    for (const slot of this.#slots) {
      for (const call of [...slot.sent]) {
        if (this._cancel(call, reason)) call.cancelled = true;
      }
    }
  }

  /**
   * @internal Cancels a call that has not started; returns whether it was. A queued
   * call leaves the queue; a call already sent to a busy worker takes the abort
   * path (settled now, the worker told to skip it: its task never starts).
   */
  _cancel(call: Call, reason: unknown): boolean {
    if (call.settled) return false;
    if (call.state === CallState.Sent) {
      this.#abort(call, reason);
      return true;
    }
    if (call.state !== CallState.Queued) return false;
    call.state = CallState.Removed;
    this.#queued--;
    this.#settle(call, false, reason);
    this.#notifyDrained();
    return true;
  }

  /** @internal Aborts a call wherever it is (map cancels its chunks this way). */
  _abort(call: Call, reason: unknown): void {
    this.#abort(call, reason);
  }

  #freeCapacity(): number {
    const c = this.#options.concurrentTasksPerWorker;
    let free = 0;
    let live = 0;
    for (const slot of this.#slots) {
      if (!slot.live) continue;
      live++;
      if (slot.outstanding < c) free += c - slot.outstanding;
    }
    return free + Math.max(0, this.#options.maxWorkers - live) * c;
  }

  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(this.#pumpBound);
  }

  /** The mean run time of the task at the head of the queue (NaN if unknown). */
  #headMean(): number {
    const head = this.#queue.peek();
    if (head === undefined) return Number.NaN;
    return head.flags & TaskFlag.Chunk ? head.def.chunkMean : head.def.mean;
  }

  /** How many calls beyond its concurrency a busy worker may hold (batching). */
  #batchSize(mean: number): number {
    if (!(mean < BATCH_TARGET_MS / 2)) return 0;
    return Math.min(MAX_BATCH, Math.max(1, Math.floor(BATCH_TARGET_MS / Math.max(mean, 0.0005))));
  }

  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#queued === 0 || this.#state === PoolState.Broken) return;
    const c = this.#options.concurrentTasksPerWorker;
    while (this.#queued > 0) {
      let best: Slot | undefined;
      let live = 0;
      for (const slot of this.#slots) {
        if (!slot.live) continue;
        live++;
        if (best === undefined || slot.outstanding < best.outstanding) best = slot;
      }
      // An idle worker first; then a new worker while fewer than maxWorkers exist;
      // only then does a busy worker take more (concurrency, then batches).
      if (best !== undefined && best.outstanding === 0) {
        this.#send(best, 1);
        continue;
      }
      if (live < this.#options.maxWorkers && this.#state !== PoolState.Closed) {
        this.#send(this.#spawn(), 1);
        continue;
      }
      if (best !== undefined && best.outstanding < c) {
        this.#send(best, 1);
        continue;
      }
      // Batch sizes follow the measured run time of the task at the head of the
      // queue (unknown tasks are not batched until a first result came back).
      const mean = this.#headMean();
      const batch = this.#batchSize(mean);
      if (best === undefined || batch === 0) break;
      // Every worker is busy: hand a batch to the least-loaded worker that is making
      // progress (never pile work behind a long-running call), keeping up to two
      // batches ahead so it never waits for the round trip.
      const t = now();
      const stalledAfter = Math.max(2, 20 * mean);
      best = undefined;
      for (const slot of this.#slots) {
        if (!slot.live || t - slot.lastProgress > stalledAfter) continue;
        if (best === undefined || slot.outstanding < best.outstanding) best = slot;
      }
      if (best === undefined) break;
      const room = c + 2 * batch - best.outstanding;
      if (room <= 0 || (room < batch && room < this.#queued)) break;
      const fair = Math.ceil(this.#queued / live);
      this.#send(best, Math.max(1, Math.min(room, fair, batch)));
    }
  }

  #spawn(): Slot {
    const slot = new Slot(this.#nextWorkerId++, now());
    slot.hub = new ChannelHub((message, transfer) => slot.handle.post(message, transfer), true);
    const capabilities = this.#transport.capabilities;
    slot.serializeContext = {
      capabilities,
      openChannel: () => slot.hub.open(),
      onCallSettled: (callback) => {
        const call = this.#encodingCall;
        if (call === undefined) {
          throw new Error('onCallSettled() can only be called inside serialize()');
        }
        call.onRelease ??= [];
        call.onRelease.push(callback);
      },
    };
    slot.deserializeContext = {
      capabilities,
      channel: (id) => slot.hub.get(id),
      // a result arrives after its task ended
      onTaskEnd: (callback) => queueMicrotask(callback),
    };
    const o = this.#options;
    if (capabilities.sharedMemory) slot.aborts = new Int32Array(new SharedArrayBuffer(4));
    this.#slots.push(slot);
    slot.handle = this.#transport.spawn(
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
    slot.handle.unref();
    return slot;
  }

  /** Posts up to `count` queued calls to `slot` in one message. */
  #send(slot: Slot, wanted: number): void {
    const count = Math.min(wanted, this.#options.maxTasksPerWorker - slot.dispatched);
    const message: unknown[] = [Msg.Run, 0];
    let defs: unknown[] | undefined;
    let newKeys: number[] | undefined;
    let transfer: Transferable[] | undefined;
    const batch: Call[] = [];
    while (batch.length < count && this.#queued > 0) {
      const call = this.#queue.shift() as Call;
      if (call.state !== CallState.Queued) continue;
      this.#queued--;
      const key = call.def.key;
      if (!slot.defined.has(key)) {
        defs ??= [];
        newKeys ??= [];
        const w = call.def.wire;
        defs.push(key, w.module, w.name, w.source);
        slot.defined.add(key);
        newKeys.push(key);
      }
      let encoded: { args: unknown[]; flags: number; transfer: Transferable[] | undefined };
      try {
        encoded = this.#encode(slot, call);
      } catch (error) {
        // A transfer handler refused the argument (a Lock for a process worker…):
        // this call fails, the rest of the batch goes on.
        call.state = CallState.Done;
        this.#settle(call, false, error);
        this.#releaseCall(call);
        continue;
      }
      const { args, flags } = encoded;
      if (encoded.transfer !== undefined) {
        transfer ??= [];
        for (const t of encoded.transfer) transfer.push(t);
      }
      message.push(call.id, key, flags, args);
      batch.push(call);
    }
    if (batch.length === 0) return;
    if (defs !== undefined) message[1] = defs;
    try {
      slot.handle.post(message, transfer);
    } catch (error) {
      if (newKeys !== undefined) for (const key of newKeys) slot.defined.delete(key);
      this.#sendFailed(slot, batch, error);
      return;
    }
    const t = now();
    for (const call of batch) {
      call.state = CallState.Sent;
      call.worker = slot;
      slot.sent.push(call);
      this.#calls.set(call.id, call);
      call.onDispatch?.();
    }
    slot.dispatched += batch.length;
    if (!slot.refd) {
      slot.refd = true;
      slot.handle.ref();
    }
    if (slot.dispatched >= this.#options.maxTasksPerWorker && slot.state !== SlotState.Retiring) {
      this.#retire(slot);
    }
    this.#promote(slot, t);
  }

  /** Encodes one value for `slot`: unwraps transfer(), applies a transfer handler. */
  #encodeValue(
    slot: Slot,
    value: unknown,
    out: { transfer: Transferable[] | undefined; encoded: boolean },
  ): unknown {
    let v = value;
    if (isTransfer(v)) {
      out.transfer ??= [];
      for (const t of v.transferList) out.transfer.push(t);
      v = v.value;
    }
    const handler = findTransferHandler(v);
    if (handler === undefined) return v;
    const [data, list] = handler.serialize(v, slot.serializeContext);
    if (list.length > 0) {
      out.transfer ??= [];
      for (const t of list) out.transfer.push(t);
    }
    out.encoded = true;
    return { [ENVELOPE]: handler.name, data } satisfies Envelope;
  }

  /**
   * The wire form of a call's arguments: top-level arguments, and the items of a
   * map chunk (each element of a starmap row), go through transfer() and the
   * transfer handlers. Throws what a handler throws.
   */
  #encode(
    slot: Slot,
    call: Call,
  ): { args: unknown[]; flags: number; transfer: Transferable[] | undefined } {
    const out = { transfer: undefined as Transferable[] | undefined, encoded: false };
    this.#encodingCall = call;
    try {
      let args = call.args;
      const chunk = (call.flags & TaskFlag.Chunk) !== 0;
      const items = chunk ? args[0] : undefined;
      if (Array.isArray(items) && hasTransferHandlers()) {
        const star = (call.flags & TaskFlag.Star) !== 0;
        let copy: unknown[] | undefined;
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (star) {
            const row = item as unknown[];
            let rowCopy: unknown[] | undefined;
            for (let j = 0; j < row.length; j++) {
              const a = row[j];
              if ((typeof a !== 'object' || a === null) && typeof a !== 'function') continue;
              const v = this.#encodeValue(slot, a, out);
              if (v !== a) {
                rowCopy ??= [...row];
                rowCopy[j] = v;
              }
            }
            if (rowCopy !== undefined) {
              copy ??= [...items];
              copy[i] = rowCopy;
            }
          } else if ((typeof item === 'object' && item !== null) || typeof item === 'function') {
            const v = this.#encodeValue(slot, item, out);
            if (v !== item) {
              copy ??= [...items];
              copy[i] = v;
            }
          }
        }
        if (copy !== undefined) args = [copy];
      } else if (!chunk) {
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if ((typeof a !== 'object' || a === null) && typeof a !== 'function') continue;
          const v = this.#encodeValue(slot, a, out);
          if (v !== a) {
            if (args === call.args) args = [...args];
            args[i] = v;
          }
        }
      }
      if (call.transfer !== undefined) {
        out.transfer ??= [];
        for (const t of call.transfer) out.transfer.push(t);
      }
      return {
        args,
        flags: out.encoded ? call.flags | TaskFlag.Encoded : call.flags,
        transfer: out.transfer,
      };
    } finally {
      this.#encodingCall = undefined;
    }
  }

  /** Runs what transfer handlers asked to run when this call is released. */
  #releaseCall(call: Call): void {
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

  /** A batch did not serialize: find the culprits, reject them, send the rest. */
  #sendFailed(slot: Slot, batch: Call[], error: unknown): void {
    if (batch.length > 1) {
      // Put them back in order at the front and send them one by one.
      for (let i = batch.length - 1; i >= 0; i--) {
        this.#queue.unshift(batch[i] as Call);
        this.#queued++;
      }
      for (let i = 0; i < batch.length; i++) this.#send(slot, 1);
      return;
    }
    const call = batch[0] as Call;
    let which = 'an argument';
    for (let i = 0; i < call.args.length; i++) {
      try {
        structuredClone(call.args[i]);
      } catch {
        which = `argument ${i} (${describeArg(call.args[i])})`;
        break;
      }
    }
    this.#settle(
      call,
      false,
      new NotCloneableError(
        `Task ${call.def.label}: ${which} could not be sent to the worker: ${
          (error as Error)?.message ?? String(error)
        }`,
        { cause: error },
      ),
    );
    call.state = CallState.Done;
    this.#notifyDrained();
  }

  /** Moves calls from "sent" to "running" while the worker has free capacity. */
  #promote(slot: Slot, t: number): void {
    if (slot.state === SlotState.Starting) return;
    const c = this.#options.concurrentTasksPerWorker;
    while (slot.running.size < c && slot.sent.length > 0) {
      this.#start(slot, slot.sent.shift() as Call, t);
    }
  }

  #start(slot: Slot, call: Call, t: number): void {
    call.state = CallState.Running;
    slot.running.add(call);
    this.#running++;
    this.#waitTimes.add(t - call.submittedAt);
    if (call.settled) {
      if (call.aborted) this.#armGrace(call);
    } else if (call.timeout !== undefined) {
      call.timer = setTimeout(() => this.#onTimeout(call), call.timeout);
    }
  }

  #onTimeout(call: Call): void {
    call.timer = undefined;
    if (call.settled) return;
    const error = new TimeoutError(
      `Task ${call.def.label} timed out after ${call.timeout} ms (running time)`,
    );
    this.#abort(call, error);
  }

  #abort(call: Call, reason: unknown): void {
    if (call.settled) return;
    if (call.state === CallState.Queued) {
      this._cancel(call, reason);
      return;
    }
    this.#settle(call, false, reason);
    const slot = call.worker;
    if (slot === undefined || call.state === CallState.Done) return;
    call.aborted = true;
    try {
      slot.handle.post([Msg.Abort, call.id, serializeError(reason)]);
      // after the post: a worker that sees the count change finds the message
      if (slot.aborts !== undefined) Atomics.add(slot.aborts, 0, 1);
    } catch {
      // the worker is going away; its exit settles the rest
    }
    if (call.state === CallState.Running) this.#armGrace(call);
  }

  #armGrace(call: Call): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    const grace = this.#options.gracePeriod;
    if (grace === Number.POSITIVE_INFINITY) return;
    call.timer = setTimeout(() => {
      call.timer = undefined;
      const slot = call.worker;
      if (call.state !== CallState.Running || slot === undefined || slot.state === SlotState.Dead) {
        return;
      }
      slot.killReason = `task ${call.def.label} did not stop within the ${grace} ms grace period after it was ${
        call.aborted ? 'aborted or timed out' : 'cancelled'
      }`;
      slot.handle.terminate();
    }, grace);
  }

  #settle(call: Call, ok: boolean, value: unknown): void {
    if (call.settled) return;
    call.settled = true;
    if (call.onAbort !== undefined) {
      call.signal?.removeEventListener('abort', call.onAbort);
      call.onAbort = undefined;
    }
    if (ok) {
      this.#completed++;
      call.resolve(value);
    } else {
      this.#failed++;
      call.reject(value);
    }
  }

  #onMessage(slot: Slot, message: unknown[]): void {
    switch (message[0]) {
      case Msg.Results:
        this.#onResults(slot, message);
        break;
      case Msg.Ready:
        if (slot.state === SlotState.Starting) slot.state = SlotState.Ready;
        slot.readyOnce = true;
        slot.lastProgress = now();
        this.#startFailures = 0;
        this.#promote(slot, now());
        this.#afterActivity(slot);
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

  #onResults(slot: Slot, message: unknown[]): void {
    const t = now();
    slot.lastProgress = t;
    let runSum = 0;
    let runCount = 0;
    for (let i = 1; i < message.length; i += 4) {
      const id = message[i] as number;
      const call = this.#calls.get(id);
      if (call === undefined) continue;
      this.#calls.delete(id);
      if (call.state === CallState.Sent) {
        // The worker starts calls in order: everything sent before this one has started.
        for (;;) {
          const first = slot.sent.shift() as Call;
          if (first === call) break;
          this.#start(slot, first, t);
        }
        this.#running++;
        this.#waitTimes.add(t - call.submittedAt);
      } else {
        slot.running.delete(call);
      }
      this.#running--;
      call.state = CallState.Done;
      if (call.timer !== undefined) {
        clearTimeout(call.timer);
        call.timer = undefined;
      }
      if (call.onRelease !== undefined) this.#releaseCall(call);
      const status = message[i + 1] as number;
      const ms = message[i + 3] as number;
      call.runMs = ms;
      if (status !== Status.Dropped) {
        runSum += ms;
        runCount++;
        this.#runTimes.add(ms);
        const def = call.def;
        if (call.flags & TaskFlag.Chunk) {
          def.chunkMean = Number.isNaN(def.chunkMean) ? ms : def.chunkMean * 0.8 + ms * 0.2;
        } else def.mean = Number.isNaN(def.mean) ? ms : def.mean * 0.8 + ms * 0.2;
      }
      if (call.settled) continue;
      const value = message[i + 2];
      if (status === Status.Ok) this.#settle(call, true, value);
      else if (status === Status.Error) {
        this.#settle(
          call,
          false,
          deserializeError(
            value as WireError,
            `    at task ${call.def.label} in @par worker #${slot.id}`,
          ),
        );
      } else if (status === Status.OkEncoded) {
        this.#settle(call, ...this.#decodeResult(slot, call, value as Envelope));
      } else this.#settle(call, false, new PoolClosedError('The call was dropped'));
    }
    if (runCount > 0) this.#runTimeTotal += runSum;
    this.#promote(slot, t);
    this.#afterActivity(slot);
  }

  #decodeResult(slot: Slot, call: Call, envelope: Envelope): [boolean, unknown] {
    const handler = getTransferHandler(envelope[ENVELOPE]);
    if (handler === undefined) {
      return [
        false,
        new TypeError(
          `Task ${call.def.label} returned a value for the transfer handler '${envelope[ENVELOPE]}', which is not registered in this thread`,
        ),
      ];
    }
    try {
      return [true, handler.deserialize(envelope.data, slot.deserializeContext)];
    } catch (error) {
      return [false, error];
    }
  }

  /** After results or readiness: refill, retire, idle. */
  #afterActivity(slot: Slot): void {
    if (this.#queued > 0) this.#pump();
    if (slot.outstanding === 0) {
      if (slot.state === SlotState.Retiring) {
        this.#stopSlot(slot);
      } else if (slot.live) {
        if (slot.refd) {
          slot.refd = false;
          slot.handle.unref();
        }
        this.#armIdle(slot);
      }
    }
    this.#notifyDrained();
  }

  #armIdle(slot: Slot): void {
    const idle = this.#options.idleTimeout;
    if (idle === Number.POSITIVE_INFINITY || slot.idleTimer !== undefined) return;
    // No clock reads: if the worker took no call while the timer ran, it was idle
    // for the whole timeout; otherwise start over.
    const dispatched = slot.dispatched;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (!slot.live) return;
      if (slot.outstanding > 0) return;
      if (slot.dispatched !== dispatched) {
        this.#armIdle(slot);
        return;
      }
      const live = this.#slots.filter((s) => s.live).length;
      if (live <= this.#options.minWorkers) return;
      this.#stopSlot(slot);
    }, idle);
    slot.idleTimer.unref?.();
  }

  #retire(slot: Slot): void {
    slot.state = SlotState.Retiring;
    // The replacement starts before the old worker retires.
    if (this.#state === PoolState.Open) this.#spawn();
    if (slot.outstanding === 0) this.#stopSlot(slot);
  }

  #stopSlot(slot: Slot): void {
    slot.expectedExit = true;
    if (slot.state !== SlotState.Dead) slot.state = SlotState.Retiring;
    slot.handle.terminate();
  }

  #onExit(slot: Slot, code: number | null, signal: string | null): void {
    if (slot.state === SlotState.Dead) return;
    slot.state = SlotState.Dead;
    slot.diedAt = now();
    this.#deadWorkerTime += slot.diedAt - slot.bornAt;
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slot.hub.closeAll();
    const outstanding: Call[] = [...slot.sent, ...slot.running];
    slot.sent.clear();
    slot.running.clear();
    for (const call of outstanding) {
      this.#calls.delete(call.id);
      this.#releaseCall(call);
      if (call.state === CallState.Running) this.#running--;
      if (call.timer !== undefined) {
        clearTimeout(call.timer);
        call.timer = undefined;
      }
    }
    outstanding.sort((a, b) => a.id - b.id);
    const startFailure = !slot.readyOnce && !slot.expectedExit;
    if (startFailure) {
      this.#startFailures++;
      const cause =
        slot.startError ??
        slot.fatal?.error ??
        slot.lastError ??
        new Error(
          `Worker #${slot.id} exited ${signal ? `by ${signal}` : `with code ${code}`} before it was ready`,
        );
      this.#requeue(outstanding, slot, code, signal);
      if (this.#startFailures >= MAX_START_FAILURES && this.#state !== PoolState.Closed) {
        this.#break(cause);
      }
    } else {
      const requeue: Call[] = [];
      for (const call of outstanding) {
        const started = slot.fatal
          ? slot.fatal.started.has(call.id)
          : call.state === CallState.Running;
        if (started) {
          call.state = CallState.Done;
          this.#settle(call, false, this.#crashError(slot, call, code, signal));
        } else requeue.push(call);
      }
      this.#requeue(requeue, slot, code, signal);
    }
    slot.markExited();
    if (this.#state === PoolState.Open || this.#state === PoolState.Closing) {
      const live = this.#slots.filter((s) => s.live).length;
      if (this.#state === PoolState.Open && live < this.#options.minWorkers) this.#spawn();
      if (this.#queued > 0) this.#schedulePump();
    }
    this.#notifyDrained();
  }

  #requeue(calls: Call[], slot: Slot, code: number | null, signal: string | null): void {
    for (let i = calls.length - 1; i >= 0; i--) {
      const call = calls[i] as Call;
      call.worker = undefined;
      if (call.settled) {
        call.state = CallState.Done;
        continue;
      }
      if (this.#state === PoolState.Closed || this.#state === PoolState.Broken) {
        call.state = CallState.Done;
        this.#settle(call, false, this.#brokenError ?? new PoolClosedError());
        continue;
      }
      // Only an uncertain requeue counts (the worker died without saying which calls
      // had started, e.g. out of memory): a call that keeps landing on dying workers
      // then fails instead of looping.
      if (slot.fatal === undefined && slot.killReason === undefined) call.requeues++;
      if (call.requeues > MAX_REQUEUES || call.transfer !== undefined) {
        call.state = CallState.Done;
        this.#settle(call, false, this.#crashError(slot, call, code, signal));
        continue;
      }
      call.state = CallState.Queued;
      this.#queue.unshift(call);
      this.#queued++;
    }
  }

  #crashError(slot: Slot, call: Call, code: number | null, signal: string | null): Error {
    const task = call.def.info;
    const label = call.def.label;
    const fatal = slot.fatal;
    const cause = fatal?.error ?? slot.lastError ?? slot.startError;
    let message: string;
    if (slot.killReason !== undefined) {
      message = `Worker #${slot.id} was terminated while running task ${label}: ${slot.killReason}`;
    } else if (
      (slot.lastError as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ) {
      message = `Worker #${slot.id} ran out of memory while running task ${label}`;
    } else if (fatal !== undefined && fatal.error !== undefined) {
      const m = (fatal.error as Error | undefined)?.message ?? String(fatal.error);
      message = `Worker #${slot.id} crashed with an uncaught error while running task ${label}: ${m}`;
    } else if (signal) {
      message = `Worker #${slot.id} was killed by ${signal} while running task ${label}`;
    } else if (cause !== undefined && fatal === undefined) {
      const m = (cause as Error | undefined)?.message ?? String(cause);
      message = `Worker #${slot.id} crashed while running task ${label}: ${m}`;
    } else {
      message = `Worker #${slot.id} exited with code ${fatal?.code ?? code} while running task ${label}`;
    }
    return new WorkerCrashedError(
      message,
      { exitCode: fatal?.code ?? code, signal, workerId: slot.id, task },
      cause === undefined ? undefined : { cause },
    );
  }

  #break(cause: unknown): void {
    this.#state = PoolState.Broken;
    const message = `The pool is broken: ${MAX_START_FAILURES} workers in a row failed to start (last failure: ${
      (cause as Error | undefined)?.message ?? String(cause)
    })`;
    this.#brokenError = new BrokenPoolError(message, { cause });
    this.#rejectQueued(this.#brokenError);
    for (const call of this.#calls.values()) this.#settle(call, false, this.#brokenError);
    for (const slot of [...this.#slots]) this.#stopSlot(slot);
    this.#notifyDrained();
  }

  #rejectQueued(error: unknown): void {
    while (this.#queue.length > 0) {
      const call = this.#queue.shift() as Call;
      if (call.state !== CallState.Queued) continue;
      call.state = CallState.Removed;
      this.#settle(call, false, error);
    }
    this.#queued = 0;
  }

  #isDrained(): boolean {
    return this.#queued === 0 && this.#calls.size === 0;
  }

  #drained(): Promise<void> {
    if (this.#isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #notifyDrained(): void {
    if (this.#drainWaiters.length === 0 || !this.#isDrained()) return;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  async #stopAll(): Promise<void> {
    const slots = [...this.#slots];
    for (const slot of slots) this.#stopSlot(slot);
    await Promise.all(slots.map((s) => s.exited));
    // Slots spawned while stopping (a replacement) are stopped too.
    if (this.#slots.length > 0) await this.#stopAll();
  }
}
