// ClusterPool: the pools' surface (run, map, imap, imapUnordered, starmap, close,
// terminate, stats) with calls travelling as BullMQ jobs to par-worker processes.
// Results come back through QueueEvents; each call settles exactly once (a job run
// twice after a worker died still completes once, and the pending entry is removed
// on the first outcome).

import { randomBytes } from 'node:crypto';
import { CancelledError } from '@par/async';
import {
  checkIterable,
  clearTimer,
  optionMessage,
  readAllInput,
  setTimer,
  type Timer,
  validateInteger,
  validateNumber,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import { type Percentiles, PoolClosedError, type Task } from '@par/core';
import {
  argumentsNotCloneableError,
  batchPolicy,
  findLostInstanceInArgs,
  lostArgumentError,
  SampleRing,
  TaskFlag,
  taskLabel,
} from '@par/core/internal';
import { type JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RedisConnection, type ResolvedConnection, resolveConnection } from './connection.js';
import { ConnectionLostError, PayloadTooLargeError } from './errors.js';
import { liveWorkers, type WorkerInfo } from './heartbeat.js';
import { type ClusterIMapOptions, type ClusterMapOptions, streamMap } from './map-stream.js';
import { remoteTask, resolveRoot } from './task-path.js';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeFailure,
  decodeResult,
  encodePayload,
  isPrimitiveJsonArgs,
  type JobData,
  JobKind,
  JSON_LIMIT_BYTES,
  packNumbers,
  parKeys,
  splitTimes,
} from './wire.js';

/** Options of {@link ClusterPool}. */
export interface ClusterPoolOptions {
  /**
   * Redis: a URL (`redis://:password@host:6379/0`, `rediss://…` for TLS) or ioredis options.
   * @example new ClusterPool({ connection: 'redis://127.0.0.1:6379', queue: 'par', root })
   */
  connection: RedisConnection;
  /**
   * The BullMQ queue name; workers started with the same `queue` (and `prefix`) serve it.
   * @example new ClusterPool({ connection, queue: 'images', root })
   */
  queue: string;
  /**
   * The code root: task modules travel as paths relative to it, and each worker
   * resolves them against its own `--root`.
   * @example new ClusterPool({ connection, queue: 'par', root: new URL('./', import.meta.url) })
   */
  root: string | URL;
  /**
   * Namespace of every Redis key, so several applications share one Redis.
   * @default 'par'
   * @example new ClusterPool({ connection, queue: 'par', root, prefix: 'shop' })
   */
  prefix?: string;
  /**
   * The largest encoded arguments of a call (or a `map` chunk), in bytes. Beyond it
   * the call rejects with `PayloadTooLargeError` before anything is sent.
   * @default 16_777_216 (16 MiB)
   * @example new ClusterPool({ connection, queue: 'par', root, maxPayloadBytes: 1 << 20 })
   */
  maxPayloadBytes?: number;
  /**
   * Milliseconds the connection to Redis may stay down before every pending call
   * rejects with `ConnectionLostError` (calls made meanwhile wait and resume).
   * @default 30_000
   * @example new ClusterPool({ connection, queue: 'par', root, connectionTimeout: 5000 })
   */
  connectionTimeout?: number;
  /**
   * Attempts of a job when a worker fails for a reason outside the task
   * (infrastructure). A task that throws is never retried.
   * @default 3
   * @example new ClusterPool({ connection, queue: 'par', root, attempts: 5 })
   */
  attempts?: number;
  /**
   * First delay in ms of the exponential backoff between those attempts.
   * @default 1000
   * @example new ClusterPool({ connection, queue: 'par', root, backoff: 200 })
   */
  backoff?: number;
  /**
   * Default running-time limit in ms of every call (a call's own `timeout` wins).
   * @default undefined (none)
   * @example new ClusterPool({ connection, queue: 'par', root, timeout: 60_000 })
   */
  timeout?: number;
  /**
   * How many calls the cluster runs at once, for `map`'s chunk size. By default the
   * sum of the live workers' concurrency (from their heartbeats).
   * @default live capacity
   * @example new ClusterPool({ connection, queue: 'par', root, workers: 16 })
   */
  workers?: number;
}

/** Per-call options of a cluster call. */
export interface ClusterRunOptions {
  /** Aborting rejects with `signal.reason`: a waiting job is removed, an active one's `taskSignal()` aborts in the worker. */
  signal?: AbortSignal;
  /** Running-time limit in ms from the moment a worker starts the job; rejects with `TimeoutError`. */
  timeout?: number;
}

/** The call-descriptor form: `pool.run({ task, args, signal, timeout })`. */
export interface ClusterCallDescriptor<Args extends unknown[] = unknown[], R = unknown>
  extends ClusterRunOptions {
  task: Task<Args, R>;
  args?: Args;
}

/**
 * A snapshot from {@link ClusterPool.stats} (synchronous) or
 * {@link ClusterPool.fetchStats} (read from Redis now).
 */
export interface ClusterStats {
  /** Jobs of the queue waiting for a worker (all producers), as last read from Redis. */
  queued: number;
  /** Jobs of the queue running in workers (all producers), as last read from Redis. */
  active: number;
  /** The same as `active`, under the local pools' name. */
  running: number;
  /** Free job slots of the live workers: `capacity − active`, at least 0. */
  idle: number;
  /** `active / capacity`, 0…1 (0 without live workers). */
  utilization: number;
  /** Calls of this pool that resolved. */
  completed: number;
  /** Calls of this pool that rejected. */
  failed: number;
  /** Calls of this pool not settled yet. */
  pending: number;
  /**
   * Run time of this pool's recent calls (ms; a `map` chunk is one call), as their
   * workers measured it around the task: percentiles over the last 2048 results, as
   * the local pools keep them.
   */
  runTime: Percentiles;
  /**
   * Time this pool's recent calls waited (ms) from their job being added to Redis
   * until a worker took it (BullMQ's `processedOn − timestamp`: the caller's clock
   * and the worker's), over the last 2048 results.
   */
  waitTime: Percentiles;
  /** Workers alive by heartbeat, as last read from Redis. */
  workers: number;
  /** Sum of the live workers' concurrency. */
  capacity: number;
  /** The live workers. */
  workerList: WorkerInfo[];
  /** When the Redis part was read (`Date.now()`), 0 before the first read. */
  updatedAt: number;
}

interface RemoteCall {
  readonly id: string;
  settled: boolean;
  /** The job is in Redis (addBulk returned). */
  added: boolean;
  /** A map chunk: its result is a list (numbers travel packed). */
  readonly chunk: boolean;
  aborted: boolean;
  abortReason: unknown;
  /** Told how long the worker took to run a chunk (ms). */
  readonly onRunMs: ((ms: number) => void) | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  readonly promise: Promise<unknown>;
  detach: (() => void) | undefined;
}

interface PendingAdd {
  call: RemoteCall;
  job: { name: string; data: JobData; opts: JobsOptions };
}

/** Failed jobs kept for inspection (BullMQ reads it, never changes it). */
const KEEP_FAILED = Object.freeze({ count: 1000 });

/** How each kind of job lays out its arguments, in the engine's terms. */
const JOB_FLAGS: Record<JobKind, number> = {
  [JobKind.Run]: 0,
  [JobKind.Chunk]: TaskFlag.Chunk,
  [JobKind.StarChunk]: TaskFlag.Chunk | TaskFlag.Star,
};

const DESCRIPTOR_KEYS = new Set(['task', 'args', 'signal', 'timeout', 'transfer']);

/** @internal Options every submit takes after validation. */
export interface SubmitOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  /** A chunk's run time in its worker (ms), when the worker reports it. */
  onRunMs?: ((ms: number) => void) | undefined;
  /** For a chunk: the input index of its first item, for errors naming an item. */
  start?: number | undefined;
}

/**
 * A pool whose workers are `par-worker` processes on any machine that reaches the
 * same Redis. Calls are BullMQ jobs; the surface is the local pools'.
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * await using pool = new ClusterPool({
 *   connection: 'redis://127.0.0.1:6379', queue: 'par', root: new URL('./', import.meta.url),
 * });
 * await pool.run(t.square, 3); // 9
 * await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]
 * ```
 */
export class ClusterPool {
  readonly #connection: ResolvedConnection;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #root: string;
  readonly #maxPayloadBytes: number;
  readonly #connectionTimeout: number;
  readonly #attempts: number;
  readonly #backoff: number;
  /** Every job's backoff (BullMQ reads it, never changes it): one object per pool. */
  readonly #backoffOption: { type: 'exponential'; delay: number };
  readonly #timeout: number | undefined;
  readonly #workers: number | undefined;
  readonly #keys: ReturnType<typeof parKeys>;
  /** Small plain-JSON arguments are surely below maxPayloadBytes. */
  readonly #jsonLimitOk: boolean;
  readonly #calls = new Map<string, RemoteCall>();
  readonly #wires = new WeakMap<object, ReturnType<typeof remoteTask>>();
  /**
   * Job ids: 96 random bits per pool, then a counter. Unique across pools and
   * restarts like a UUID, and shorter (an id travels in every command and event of
   * its job). Never integer-like (BullMQ refuses those) and without ':'.
   */
  readonly #idPrefix = `p${randomBytes(12).toString('base64url')}.`;
  #nextId = 0;
  #batch: PendingAdd[] = [];
  /** The addBulk rounds Redis has not answered yet: terminate() cancels what they add. */
  readonly #adding = new Set<Promise<void>>();
  /** Told when the connection goes down (terminate() stops waiting for #adding). */
  readonly #downWaiters = new Set<() => void>();
  #flushScheduled = false;
  #control: Redis | undefined;
  #queue: Queue | undefined;
  #events: QueueEvents | undefined;
  #ready: Promise<void> | undefined;
  #up = false;
  #downTimer: Timer | undefined;
  #lost: ConnectionLostError | undefined;
  /** Reads of Redis a map waits for before its jobs exist: rejected as the calls are when the connection is lost. */
  readonly #lostWaiters = new Set<(error: ConnectionLostError) => void>();
  #lastError: unknown;
  #closed = false;
  /** #connect finished. */
  #connected = false;
  /** #disconnect started: #connect must not open more connections. */
  #stopped = false;
  #closing: Promise<void> | undefined;
  #completed = 0;
  #failed = 0;
  readonly #runTimes = new SampleRing();
  readonly #waitTimes = new SampleRing();
  #drainWaiters: (() => void)[] = [];
  #remote: { queued: number; active: number; workerList: WorkerInfo[]; updatedAt: number } = {
    queued: 0,
    active: 0,
    workerList: [],
    updatedAt: 0,
  };
  #refreshing: Promise<void> | undefined;
  #disconnecting: Promise<void> | undefined;
  readonly #watched = new WeakMap<AbortSignal, { fns: Set<() => void>; onAbort: () => void }>();

  constructor(options: ClusterPoolOptions) {
    const o = validateOptions<ClusterPoolOptions>('options', options);
    this.#connection = resolveConnection('connection', o.connection);
    if (typeof o.queue !== 'string' || o.queue.length === 0) {
      throw new TypeError(optionMessage('queue', 'a non-empty string', o.queue));
    }
    this.#queueName = o.queue;
    this.#prefix = o.prefix === undefined ? 'par' : o.prefix;
    if (typeof this.#prefix !== 'string' || this.#prefix.length === 0) {
      throw new TypeError(optionMessage('prefix', 'a non-empty string', o.prefix));
    }
    this.#root = resolveRoot('root', o.root);
    this.#maxPayloadBytes =
      o.maxPayloadBytes === undefined
        ? DEFAULT_MAX_PAYLOAD_BYTES
        : validateInteger('maxPayloadBytes', o.maxPayloadBytes, { min: 1 });
    this.#connectionTimeout =
      o.connectionTimeout === undefined
        ? 30_000
        : validateNumber('connectionTimeout', o.connectionTimeout, { min: 0 });
    this.#attempts =
      o.attempts === undefined ? 3 : validateInteger('attempts', o.attempts, { min: 1 });
    this.#backoff =
      o.backoff === undefined ? 1000 : validateNumber('backoff', o.backoff, { min: 0 });
    this.#backoffOption = { type: 'exponential', delay: this.#backoff };
    this.#timeout = validateTimeout('timeout', o.timeout);
    this.#workers =
      o.workers === undefined ? undefined : validateInteger('workers', o.workers, { min: 1 });
    this.#keys = parKeys(this.#prefix, this.#queueName);
    this.#jsonLimitOk = JSON_LIMIT_BYTES <= this.#maxPayloadBytes;
  }

  /** The queue name. */
  get queue(): string {
    return this.#queueName;
  }

  /** The key prefix. */
  get prefix(): string {
    return this.#prefix;
  }

  /**
   * Runs `task(...args)` on a worker of the cluster. `task` must be a task
   * reference under `root`; an inline function rejects with `InlineRemoteError`.
   * The call-descriptor form `run({ task, args, signal, timeout })` carries options.
   *
   * @example
   * ```ts
   * await pool.run(t.square, 3); // 9
   * await pool.run({ task: t.square, args: [3], timeout: 10_000, signal });
   * ```
   */
  run<A extends unknown[], R>(task: Task<A, R>, ...args: A): Promise<Awaited<R>>;
  run<A extends unknown[], R>(call: ClusterCallDescriptor<A, R>): Promise<Awaited<R>>;
  run(first: unknown, ...rest: unknown[]): Promise<unknown> {
    try {
      if (
        typeof first === 'object' &&
        first !== null &&
        'task' in first &&
        !('module' in first && 'name' in first)
      ) {
        const d = first as ClusterCallDescriptor;
        for (const key of Object.keys(d)) {
          if (!DESCRIPTOR_KEYS.has(key)) {
            throw new TypeError(
              `Unknown key \`${key}\` in the call descriptor (expected task, args, signal, timeout)`,
            );
          }
        }
        if (d.args !== undefined && !Array.isArray(d.args)) {
          throw new TypeError('Expected `args` to be an array of arguments');
        }
        const options = this._callOptions(d);
        return this._submit(d.task, d.args === undefined ? [] : [...d.args], JobKind.Run, options);
      }
      return this._submit(first, rest, JobKind.Run, { timeout: this.#timeout });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Applies `task` to every item; resolves to the results in input order. Items
   * travel in chunks (bulk-added jobs) of Python's size `ceil(n / (4 × workers))`.
   * The first failure rejects and cancels the other chunks.
   *
   * @example
   * ```ts
   * await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]
   * ```
   */
  map<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ClusterMapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll(task, iterable, options, false) as Promise<Awaited<R>[]>;
  }

  /**
   * Like `map`, with every item an argument list.
   *
   * @example
   * ```ts
   * await pool.starmap(t.add, [[1, 2], [3, 4]]); // [3, 7]
   * ```
   */
  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: ClusterMapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll(task, iterable, options, true) as Promise<Awaited<R>[]>;
  }

  /**
   * Streams the results in input order, reading the input lazily (bounded
   * read-ahead). Leaving the loop cancels the pending chunks.
   *
   * @example
   * ```ts
   * for await (const r of pool.imap(t.square, numbers())) console.log(r);
   * ```
   */
  imap<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ClusterIMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return streamMap(this, task, iterable, options, true) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Like `imap`, yielding each result as soon as its chunk is done.
   *
   * @example
   * ```ts
   * for await (const r of pool.imapUnordered(t.fetchPage, urls)) console.log(r);
   * ```
   */
  imapUnordered<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ClusterIMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return streamMap(this, task, iterable, options, false) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * No new calls: `run`, `map`, `starmap`, `imap` and `imapUnordered` reject with
   * `PoolClosedError` from now on, as the local pools' do. The pending calls
   * settle, then every Redis connection of the pool closes, so the program exits
   * by itself. A closed pool never opens a connection again (`stats()` keeps
   * answering with the last snapshot).
   *
   * @example
   * ```ts
   * try { await pool.map(t.square, xs); } finally { await pool.close(); }
   * ```
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await this.#drained();
      await this.#disconnect();
    })();
    return this.#closing;
  }

  /**
   * Rejects every pending call with `PoolClosedError`, removes their waiting jobs
   * (and asks workers to abort the running ones), then closes the connections.
   *
   * @example
   * ```ts
   * await pool.terminate();
   * ```
   */
  terminate(): Promise<void> {
    this.#closed = true;
    const error = new PoolClosedError('The pool was terminated');
    const calls = [...this.#calls.values()];
    for (const call of calls) this.#settle(call, false, error);
    const cancelling = (async () => {
      if (!this.#up || this.#ready === undefined) return;
      // jobs whose addBulk Redis has not answered yet are cancelled too, once added
      // (while the connection is up: a lost one never answers)
      if (this.#adding.size > 0) await this.#unlessDown(Promise.all([...this.#adding]));
      await Promise.allSettled(calls.filter((c) => c.added).map((c) => this.#cancelJob(c.id)));
    })();
    const stopping = (async () => {
      await cancelling;
      await this.#disconnect();
    })();
    this.#closing ??= stopping;
    return stopping;
  }

  /** `await using pool = new ClusterPool(…)` closes the pool (pending calls finish). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A snapshot, synchronous like the local pools' `stats()`: this pool's own
   * counts (`completed`, `failed`, `pending`) are exact, and `runTime` / `waitTime`
   * are percentiles of its recent calls, as the workers reported them with each
   * result; the queue's counts and the
   * live workers (`queued`, `active`, `workers`, `capacity`, …) are the last ones read
   * from Redis (`updatedAt`): when the pool connected, and in the background after
   * each `stats()` call. Awaiting it (`await pool.stats()`) reads Redis first and
   * resolves to a fresh snapshot, as {@link ClusterPool.fetchStats} does.
   *
   * @example
   * ```ts
   * const { completed, pending, runTime } = pool.stats(); // now, no I/O; runTime.p99 in ms
   * const { queued, workers } = await pool.stats();       // read from Redis
   * ```
   */
  stats(): ClusterStats & PromiseLike<ClusterStats> {
    if (this.#mayRead() && this.#refreshing === undefined) void this.#refresh();
    const snapshot = this.#snapshot();
    // awaiting the snapshot reads Redis first; not enumerable, so the snapshot
    // compares and prints as the plain object it is
    Object.defineProperty(snapshot, 'then', {
      value: <A = ClusterStats, B = never>(
        onFulfilled?: ((value: ClusterStats) => A | PromiseLike<A>) | null,
        onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
      ) => this.fetchStats().then(onFulfilled, onRejected),
    });
    return snapshot as ClusterStats & PromiseLike<ClusterStats>;
  }

  /**
   * Reads the queue's counts and the live workers from Redis now, then returns
   * the same snapshot as {@link ClusterPool.stats} (after `close()`, the last one).
   *
   * @example
   * ```ts
   * const { queued, active, workers } = await pool.fetchStats();
   * ```
   */
  async fetchStats(): Promise<ClusterStats> {
    if (this.#mayRead()) await this.#readRemote();
    return this.#snapshot();
  }

  /** Whether Redis may be read: never once the connections are closing, nor to connect a closed pool. */
  #mayRead(): boolean {
    return !this.#stopped && (!this.#closed || this.#ready !== undefined);
  }

  /** A background read for the synchronous snapshot; a failed one keeps the last. */
  #refresh(): Promise<void> {
    const refreshing = (this.#connected ? this.#readRemoteNow() : this.#readRemote())
      .catch((error: unknown) => {
        this.#lastError = error;
      })
      .finally(() => {
        if (this.#refreshing === refreshing) this.#refreshing = undefined;
      });
    this.#refreshing = refreshing;
    return refreshing;
  }

  async #readRemote(): Promise<void> {
    await this.#init();
    await this.#readRemoteNow();
  }

  async #readRemoteNow(): Promise<void> {
    const queue = this.#queue as Queue;
    const [counts, workerList] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
      liveWorkers(this.#control as Redis, this.#keys),
    ]);
    this.#remote = {
      queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      active: counts.active ?? 0,
      workerList,
      updatedAt: Date.now(),
    };
  }

  #snapshot(): ClusterStats {
    const { queued, active, workerList, updatedAt } = this.#remote;
    const capacity = workerList.reduce((sum, w) => sum + Math.max(0, w.concurrency), 0);
    return {
      queued,
      active,
      running: active,
      idle: Math.max(0, capacity - active),
      utilization: capacity > 0 ? Math.min(1, active / capacity) : 0,
      completed: this.#completed,
      failed: this.#failed,
      pending: this.#calls.size,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
      workers: workerList.length,
      capacity,
      workerList: [...workerList],
      updatedAt,
    };
  }

  /** @internal How many calls the cluster runs at once (chunking). */
  async _capacity(signal?: AbortSignal): Promise<number> {
    this._checkOpen();
    if (this.#workers !== undefined) return this.#workers;
    if (this.#lost !== undefined) throw this.#lost;
    let live: WorkerInfo[];
    try {
      // bounded as a call is: by the connection's loss past connectionTimeout, and by `signal`
      live = await this.#unlessLost(
        (async () => {
          await this.#init();
          return liveWorkers(this.#control as Redis, this.#keys);
        })(),
        signal,
      );
    } catch (error) {
      // closed meanwhile: its connection is closing, and the call is refused as any other
      if (this.#closed) throw new PoolClosedError();
      throw error;
    }
    const capacity = live.reduce((sum, w) => sum + Math.max(0, w.concurrency), 0);
    return capacity > 0 ? capacity : 1;
  }

  /** `work`'s outcome, unless the connection is lost past connectionTimeout or `signal` aborts first. */
  #unlessLost<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      // whichever comes first settles the promise and stops watching for the others
      const settle =
        <V>(fn: (value: V) => void) =>
        (value: V): void => {
          this.#lostWaiters.delete(lost);
          unwatch?.();
          fn(value);
        };
      const lost = settle<unknown>(reject);
      this.#lostWaiters.add(lost);
      const unwatch =
        signal === undefined ? undefined : this._onAbort(signal, () => lost(signal.reason));
      work.then(settle(resolve), lost);
    });
  }

  /** @internal Throws `PoolClosedError` once `close()` or `terminate()` was called. */
  _checkOpen(): void {
    if (this.#closed) throw new PoolClosedError();
  }

  /** @internal Validates per-call options. */
  _callOptions(o: { signal?: unknown; timeout?: unknown }): SubmitOptions {
    const signal = validateSignal('signal', o.signal);
    const timeout = validateTimeout('timeout', o.timeout) ?? this.#timeout;
    return { signal, timeout };
  }

  /** @internal Checks a task without sending anything. */
  _validateTask(task: unknown): void {
    remoteTask(task, this.#root);
  }

  /** @internal Sends one job; the promise settles exactly once. */
  _submit(task: unknown, args: unknown[], kind: JobKind, options: SubmitOptions): Promise<unknown> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    const wire = this.#wireOf(task);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    const what =
      kind === JobKind.Run ? `arguments of ${wire.name}` : `items of a ${wire.name} chunk`;
    const data: JobData = { v: 1, m: wire.module, n: wire.name, k: kind };
    if (kind === JobKind.Run && this.#jsonLimitOk && isPrimitiveJsonArgs(args)) data.j = args;
    else {
      // what the local pools refuse does not leave either: a class instance that would
      // arrive as {}, or a value V8 cannot serialize, named as the local pools name it
      const flags = JOB_FLAGS[kind];
      const label = taskLabel({ module: wire.module, name: wire.name });
      const lost = findLostInstanceInArgs(args, flags, options.start);
      if (lost !== undefined) throw lostArgumentError(label, lost);
      try {
        data.a = encodePayload(
          kind === JobKind.Chunk ? [packNumbers(args[0])] : args,
          this.#maxPayloadBytes,
          what,
        );
      } catch (error) {
        if (error instanceof PayloadTooLargeError) throw error;
        throw argumentsNotCloneableError(label, args, flags, options.start ?? 0, error);
      }
    }
    if (wire.package) data.p = 1;
    if (options.timeout !== undefined && Number.isFinite(options.timeout)) data.t = options.timeout;
    const id = this.#idPrefix + (this.#nextId++).toString(36);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const call: RemoteCall = {
      id,
      settled: false,
      added: false,
      chunk: kind !== JobKind.Run,
      aborted: false,
      abortReason: undefined,
      onRunMs: options.onRunMs,
      resolve,
      reject,
      promise,
      detach: undefined,
    };
    if (signal !== undefined)
      call.detach = this._onAbort(signal, () => this.#abort(call, signal.reason));
    this.#calls.set(id, call);
    this.#batch.push({
      call,
      job: {
        name: wire.name,
        data,
        opts: {
          jobId: id,
          attempts: this.#attempts,
          backoff: this.#backoffOption,
          removeOnComplete: true,
          removeOnFail: KEEP_FAILED,
        },
      },
    });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
    return promise;
  }

  /** The wire form of a task; a frozen reference (what `tasks()` gives) is worked out once. */
  #wireOf(task: unknown): ReturnType<typeof remoteTask> {
    if (typeof task !== 'object' || task === null) return remoteTask(task, this.#root);
    let wire = this.#wires.get(task);
    if (wire === undefined) {
      wire = remoteTask(task, this.#root);
      if (Object.isFrozen(task)) this.#wires.set(task, wire);
    }
    return wire;
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#batch.filter((b) => !b.call.settled);
    this.#batch = [];
    if (batch.length === 0) return;
    const adding = (async () => {
      try {
        await this.#init(true);
        await (this.#queue as Queue).addBulk(batch.map((b) => b.job));
      } catch (error) {
        for (const b of batch) this.#settle(b.call, false, error);
        return;
      }
      for (const b of batch) {
        b.call.added = true;
        if (b.call.aborted && !b.call.settled) void this.#cancelRemote(b.call);
      }
    })();
    this.#adding.add(adding);
    void adding.then(() => this.#adding.delete(adding));
  }

  /**
   * @internal Runs `fn` when `signal` aborts, with one 'abort' listener per signal
   * however many calls and maps of this pool share it (a map's chunks, or a
   * caller's signal given to many calls): the signal never collects a pile of
   * listeners. Returns the function that stops watching.
   */
  _onAbort(signal: AbortSignal, fn: () => void): () => void {
    let entry = this.#watched.get(signal);
    if (entry === undefined) {
      const fns = new Set<() => void>();
      const onAbort = () => {
        this.#watched.delete(signal);
        for (const f of [...fns]) f();
      };
      entry = { fns, onAbort };
      this.#watched.set(signal, entry);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const { fns, onAbort } = entry;
    // a wrapper, so the same function watched twice is two watches
    const watch = () => fn();
    fns.add(watch);
    return () => {
      fns.delete(watch);
      if (fns.size === 0 && this.#watched.get(signal) === entry) {
        this.#watched.delete(signal);
        signal.removeEventListener('abort', onAbort);
      }
    };
  }

  #abort(call: RemoteCall, reason: unknown): void {
    if (call.settled || call.aborted) return;
    call.aborted = true;
    call.abortReason = reason;
    if (!call.added) {
      // not in Redis yet: drop it from the batch, or cancel it once addBulk returns
      const index = this.#batch.findIndex((b) => b.call === call);
      if (index >= 0) {
        this.#batch.splice(index, 1);
        this.#settle(call, false, reason);
      }
      return;
    }
    void this.#cancelRemote(call);
  }

  /** A waiting job is removed (the call rejects now); an active one is aborted in its worker. */
  async #cancelRemote(call: RemoteCall): Promise<void> {
    try {
      const removed = await this.#cancelJob(call.id);
      // removed: it never runs. Otherwise the call rejects when the job's outcome arrives.
      if (removed) this.#settle(call, false, call.abortReason);
    } catch {
      this.#settle(call, false, call.abortReason);
    }
  }

  async #cancelJob(id: string): Promise<boolean> {
    const queue = this.#queue as Queue;
    const control = this.#control as Redis;
    // the key first: a worker that takes the job after this sees it before starting
    await control.set(this.#keys.cancel(id), '1', 'PX', 3_600_000);
    if ((await queue.remove(id)) === 1) return true;
    await control.publish(this.#keys.cancelChannel, id);
    return false;
  }

  #settle(call: RemoteCall, ok: boolean, value: unknown): void {
    if (call.settled) return;
    call.settled = true;
    call.detach?.();
    this.#calls.delete(call.id);
    if (ok) {
      this.#completed++;
      call.resolve(value);
    } else {
      this.#failed++;
      call.reject(value);
    }
    if (this.#calls.size === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  #onCompleted(jobId: string, returnvalue: unknown): void {
    const call = this.#calls.get(jobId);
    if (call === undefined) return;
    if (call.aborted) {
      this.#settle(call, false, call.abortReason);
      return;
    }
    const { result, runMs, waitMs } = splitTimes(returnvalue);
    let value: unknown;
    try {
      value = decodeResult(result);
      // a chunk of numbers stays a Float64Array: map and imap copy it out once
      if (call.chunk && !(value instanceof Float64Array) && !Array.isArray(value)) {
        throw new TypeError('a chunk result is not a list');
      }
    } catch (error) {
      this.#settle(
        call,
        false,
        new TypeError(`The result of job ${jobId} does not decode: ${(error as Error).message}`),
      );
      return;
    }
    if (runMs !== undefined) {
      this.#runTimes.add(runMs);
      call.onRunMs?.(runMs);
    }
    if (waitMs !== undefined) this.#waitTimes.add(waitMs);
    this.#settle(call, true, value);
  }

  #onFailed(jobId: string, failedReason: string): void {
    const call = this.#calls.get(jobId);
    if (call === undefined) return;
    this.#settle(call, false, call.aborted ? call.abortReason : decodeFailure(failedReason, jobId));
  }

  /**
   * Connects once. A closed pool opens no connection, except for the calls it took
   * before `close()` (`forCalls`), which close() waits for: anything else would
   * leave a connection that nothing closes.
   */
  #init(forCalls = false): Promise<void> {
    if (this.#ready === undefined && (this.#stopped || (this.#closed && !forCalls))) {
      return Promise.reject(new PoolClosedError());
    }
    this.#ready ??= this.#connect();
    return this.#ready;
  }

  async #connect(): Promise<void> {
    const control = this.#connection.create();
    this.#control = control;
    control.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    control.on('ready', () => this.#onUp());
    control.on('close', () => this.#onDown());
    this.#onDown();
    const connection = this.#connection.bull;
    // The queue shares our client (BullMQ leaves a given client open): we close it
    // ourselves, even when it never connected.
    const queue = new Queue(this.#queueName, { connection: control, prefix: this.#prefix });
    queue.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    this.#queue = queue;
    // Read events from the stream's current end, fixed now: no event of a job added
    // later can be missed, even if the event reader connects after the job finishes.
    const last = await control.xrevrange(this.#keys.events, '+', '-', 'COUNT', 1);
    const lastEventId = last[0]?.[0] ?? '0-0';
    if (this.#stopped) throw new PoolClosedError();
    const events = new QueueEvents(this.#queueName, {
      connection,
      prefix: this.#prefix,
      lastEventId,
    });
    events.on('error', (error: unknown) => {
      this.#lastError = error;
    });
    events.on('completed', ({ jobId, returnvalue }) => this.#onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.#onFailed(jobId, failedReason));
    events.on('removed', ({ jobId }) => {
      const call = this.#calls.get(jobId);
      if (call?.added) {
        this.#settle(
          call,
          false,
          call.aborted
            ? call.abortReason
            : new CancelledError(`Job ${jobId} was removed from the queue before it ran`),
        );
      }
    });
    this.#events = events;
    await events.waitUntilReady();
    this.#connected = true;
    // the first snapshot for the synchronous stats(): the workers that serve the queue
    if (this.#refreshing === undefined) void this.#refresh();
  }

  #onUp(): void {
    this.#up = true;
    this.#lost = undefined;
    if (this.#downTimer !== undefined) {
      clearTimer(this.#downTimer);
      this.#downTimer = undefined;
    }
  }

  #onDown(): void {
    this.#up = false;
    for (const waiter of [...this.#downWaiters]) waiter();
    if (this.#downTimer !== undefined || this.#stopped) return;
    this.#downTimer = setTimer(() => {
      this.#downTimer = undefined;
      if (this.#up) return;
      const cause = this.#lastError;
      this.#lost = new ConnectionLostError(
        `The connection to Redis (${this.#connection.label}) has been down for more than ${this.#connectionTimeout} ms (connectionTimeout); the pending calls are rejected, their jobs may still run`,
        cause === undefined ? undefined : { cause },
      );
      for (const call of [...this.#calls.values()]) this.#settle(call, false, this.#lost);
      for (const waiter of [...this.#lostWaiters]) waiter(this.#lost);
    }, this.#connectionTimeout);
    // the watchdog alone never keeps the program alive
    this.#downTimer.unref?.();
  }

  /** Waits for `work`, or until the connection goes down. */
  #unlessDown(work: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#downWaiters.delete(done);
        resolve();
      };
      this.#downWaiters.add(done);
      work.then(done, done);
    });
  }

  #drained(): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #disconnect(): Promise<void> {
    this.#disconnecting ??= this.#disconnectOnce();
    return this.#disconnecting;
  }

  async #disconnectOnce(): Promise<void> {
    this.#stopped = true;
    if (this.#downTimer !== undefined) {
      clearTimer(this.#downTimer);
      this.#downTimer = undefined;
    }
    if (this.#ready === undefined) return;
    const events = this.#events;
    const queue = this.#queue;
    const control = this.#control;
    if (this.#connected && this.#up) {
      await Promise.all([events?.close(), queue?.close()]);
      await control?.quit();
    } else {
      // Redis is unreachable (or refused us): a graceful QUIT would wait for it.
      // QueueEvents#close(), not only #disconnect(): it disconnects first, and it also
      // ends the event reader, which otherwise retries every 5 s for ever (a ref'd
      // timer that keeps the program alive after close()).
      control?.disconnect();
      await events?.close();
    }
  }

  async #mapAll(
    task: unknown,
    iterable: unknown,
    options: ClusterMapOptions | undefined,
    star: boolean,
  ): Promise<unknown[]> {
    const o = validateOptions<ClusterMapOptions>('options', options);
    let chunkSize: number | 'auto' = 'auto';
    if (o.chunkSize !== undefined && o.chunkSize !== 'auto') {
      chunkSize = validateInteger('chunkSize', o.chunkSize, { min: 1 });
    }
    const callOptions = this._callOptions({ signal: o.signal, timeout: o.timeout });
    const isAsync = checkIterable(iterable);
    this._validateTask(task);
    // before reading the input or asking Redis for the workers, as run() does
    this._checkOpen();
    const signal = callOptions.signal;
    signal?.throwIfAborted();
    let items: unknown[] = [];
    if (Array.isArray(iterable)) items = iterable;
    else if (!isAsync) {
      for (const item of iterable as Iterable<unknown>) items.push(item);
    } else {
      // an abort rejects at once, also while the input waits for its next item
      items = await readAllInput(iterable as AsyncIterable<unknown>, signal);
    }
    if (star) {
      for (let i = 0; i < items.length; i++) {
        if (!Array.isArray(items[i])) {
          throw new TypeError(`starmap: item ${i} is not an array of arguments`);
        }
      }
    }
    const n = items.length;
    if (n === 0) return [];
    const chunk =
      chunkSize === 'auto' ? batchPolicy.autoChunkSize(n, await this._capacity(signal)) : chunkSize;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const unwatch =
      signal === undefined
        ? undefined
        : this._onAbort(signal, () => controller.abort(signal.reason));
    const kind = star ? JobKind.StarChunk : JobKind.Chunk;
    const results = new Array<unknown>(n);
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        let left = 0;
        let failed = false;
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          controller.abort(new CancelledError('Another chunk of the same map failed'));
          reject(error);
        };
        controller.signal.addEventListener('abort', () => fail(controller.signal.reason), {
          once: true,
        });
        for (let start = 0; start < n && !failed; start += chunk) {
          const slice = items.slice(start, Math.min(n, start + chunk));
          const offset = start;
          left++;
          let p: Promise<unknown>;
          try {
            p = this._submit(task, [slice], kind, {
              signal: controller.signal,
              timeout: callOptions.timeout,
              start: offset,
            });
          } catch (error) {
            fail(error);
            break;
          }
          p.then(
            (value) => {
              if (failed) return;
              const out = value as ArrayLike<unknown>;
              for (let i = 0; i < out.length; i++) results[offset + i] = out[i];
              if (--left === 0) resolve(results);
            },
            (error: unknown) => fail(error),
          );
        }
      });
    } finally {
      unwatch?.();
    }
  }
}
