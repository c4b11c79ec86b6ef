import type { Task } from './task-ref.js';
import type { ResourceLimits } from './transport.js';

/**
 * Options of a pool (`ThreadPool`, `ProcessPool`, the executors). Every option is
 * validated at construction: a wrong type throws `TypeError`, a value out of
 * range `RangeError`, naming the option.
 */
export interface PoolOptions {
  /**
   * The most workers that run at once. Workers start lazily: a call never waits
   * behind a busy worker while fewer than `maxWorkers` exist.
   * @default cpuCount()
   * @example new ThreadPool({ maxWorkers: 4 })
   */
  maxWorkers?: number;
  /**
   * Workers started at construction and kept warm (never reaped by `idleTimeout`).
   * Idle workers never keep the program alive.
   * @default 0
   * @example new ThreadPool({ minWorkers: 2 })
   */
  minWorkers?: number;
  /**
   * Milliseconds an idle worker above `minWorkers` lives before it exits. `Infinity` keeps it.
   * @default 10_000
   * @example new ThreadPool({ idleTimeout: 1000 })
   */
  idleTimeout?: number;
  /**
   * The most calls waiting in the pool's queue for a worker (beyond what idle and
   * not-yet-started workers take at once; calls a busy worker already holds do not
   * count, though `stats().queued` does). `run` (and an executor's `submit`)
   * beyond it rejects with `QueueFull`; `map`, `starmap` and `imap*` wait for room
   * before they queue their next chunk (backpressure). `Infinity` means unbounded.
   * @default Infinity
   * @example new ThreadPool({ maxQueue: 1000 })
   */
  maxQueue?: number;
  /**
   * A worker is replaced after this many tasks (a `map` chunk counts as one), like
   * Python's `maxtasksperchild`. The replacement starts before the old worker retires.
   * @default Infinity
   * @example new ThreadPool({ maxTasksPerWorker: 100 })
   */
  maxTasksPerWorker?: number;
  /**
   * How many calls one worker runs at once (useful for async tasks). Calls share a
   * worker only when every worker is busy.
   * @default 1
   * @example new ThreadPool({ concurrentTasksPerWorker: 4 })
   */
  concurrentTasksPerWorker?: number;
  /**
   * Runs once in each worker before its first task (a task reference or a
   * self-contained function). A failure counts as a start-up failure: three in a
   * row (a throwing initializer, a bad `execArgv`, a worker that exits before it
   * is ready) break the pool with `BrokenPoolError`. A child process killed from
   * outside while it starts (`SIGKILL`, `SIGTERM`, `SIGINT`, `SIGHUP`, `SIGQUIT`)
   * does not count: it is replaced after a backoff (10 ms, doubling, at most 1 s).
   * @default undefined (none)
   * @example new ThreadPool({ initializer: t.setup, initArgs: ['config.json'] })
   */
  initializer?: Task<never, unknown>;
  /**
   * Arguments for `initializer`.
   * @default []
   * @example new ThreadPool({ initializer: t.setup, initArgs: [42] })
   */
  initArgs?: readonly unknown[];
  /**
   * Default running timeout in milliseconds for every call (a call's own `timeout` wins).
   * @default undefined (no timeout)
   * @example new ThreadPool({ timeout: 30_000 })
   */
  timeout?: number;
  /**
   * Milliseconds a task whose call timed out or was aborted may take to stop on its
   * own (its `taskSignal()` aborted) before its worker is terminated and replaced.
   * Meanwhile `stats().aborting` counts the call (it is no longer `running`).
   * @default 1000
   * @example new ThreadPool({ gracePeriod: 200 })
   */
  gracePeriod?: number;
  /**
   * Node.js flags for the workers. By default they inherit the parent's
   * `process.execArgv` minus `--input-type`, `-e`/`--eval` and `-p`/`--print`, so
   * loaders such as tsx apply.
   * @default inherited
   * @example new ThreadPool({ execArgv: ['--import', 'tsx'] })
   */
  execArgv?: readonly string[];
  /**
   * Environment variables of the workers.
   * @default the parent's `process.env`
   * @example new ThreadPool({ env: { ...process.env, MODE: 'fast' } })
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Memory limits of each worker; a task that exceeds them rejects with
   * `WorkerCrashedError` and the worker is replaced.
   * @example new ThreadPool({ resourceLimits: { maxOldGenerationSizeMb: 64 } })
   */
  resourceLimits?: ResourceLimits;
}

/** Per-call options. */
export interface RunOptions {
  /** Aborting rejects with `signal.reason`: a queued call is removed, a running one's `taskSignal()` aborts. */
  signal?: AbortSignal;
  /** Running-time limit in milliseconds (from the moment a worker starts the task); rejects with `TimeoutError`. */
  timeout?: number;
  /** Objects to transfer instead of copying (ArrayBuffers, MessagePorts). */
  transfer?: readonly Transferable[];
}

/** The call-descriptor form of `run`: `pool.run({ task, args, signal, timeout, transfer })`. */
export interface CallDescriptor<Args extends unknown[] = unknown[], R = unknown>
  extends RunOptions {
  task: Task<Args, R>;
  args?: Args;
}

/** Options of `map` / `starmap` / `imap` / `imapUnordered`. */
export interface MapOptions {
  /**
   * Items per message. `'auto'`: Python's `ceil(n / (4 × workers))` when the length
   * is known, adaptive batches (joblib-style) for streams. `imap` over an async
   * input sends a chunk still filling as soon as nothing else of the stream is in
   * flight (the input may hold its next item back until a result is consumed).
   * @default 'auto'
   */
  chunkSize?: number | 'auto';
  /**
   * Aborting rejects with `signal.reason`, stops reading the input and cancels
   * pending chunks, at once: also while an async input waits for its next item (its
   * `return()` is then called, not awaited: an async generator's would wait for that item).
   */
  signal?: AbortSignal;
  /** Running-time limit per chunk in milliseconds. */
  timeout?: number;
}

/** Options of `imap` / `imapUnordered`. */
export interface IMapOptions extends MapOptions {
  /**
   * The most items read from the input and not yet consumed (read-ahead bound). The
   * input is read up to it while the consumer is busy with a result, and the
   * consumer gets each finished result without waiting for the input.
   * @default 4 × maxWorkers × chunk size (at least 64)
   */
  bufferSize?: number;
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** A snapshot from `pool.stats()`. */
export interface PoolStats {
  /** Workers alive (starting, idle or busy). */
  workers: number;
  /** Workers with nothing to do. */
  idle: number;
  /**
   * Calls running in workers, not counting the aborted ones (see {@link aborting}):
   * at most `concurrentTasksPerWorker` per worker. A worker starts the calls it
   * holds in order, the next one as soon as it has room; the pool counts a call as
   * running from then (as it learns from the worker's results), so `running` and
   * `queued` may lag a worker's own view by one message.
   */
  running: number;
  /**
   * Calls that were aborted (their `signal`, their `timeout`, a cancelled map) and
   * have already rejected, but whose task still runs in its worker: it has
   * `gracePeriod` ms to stop before its worker is replaced. Such a call still
   * occupies its worker; it is not counted in `running`.
   *
   * @example
   * ```ts
   * controller.abort();
   * pool.stats(); // { running: 0, aborting: 1, … } until the task returns or its worker is replaced
   * ```
   */
  aborting: number;
  /**
   * Calls not started yet, wherever they wait: in the pool's queue, or already
   * handed to a worker that is busy (a busy worker may hold the next call, or a
   * batch of short ones, so it starts them without waiting for a round trip) or
   * still starting up. Calls aborted before they started have rejected and are not
   * counted. `running + queued` is every call not settled yet (plus
   * {@link aborting}, the aborted calls still running). `maxQueue` bounds the
   * pool's queue only, so `queued` can exceed it by the calls workers hold.
   *
   * @example
   * ```ts
   * const pool = new ThreadPool({ maxWorkers: 1 });
   * for (let i = 0; i < 5; i++) pool.run(slow, i);
   * // `slow` ran before (its run time is known): one call runs, the worker holds
   * // the next one, three wait in the pool's queue
   * pool.stats(); // { running: 1, queued: 4, … }
   * ```
   */
  queued: number;
  /**
   * Calls that resolved. A `map`, `imap` or `starmap` sends its items in chunks, and
   * each chunk is one call here (and in `running`, `queued`, `failed`, `runTime` and
   * `waitTime`): a `map` of 100 items on 2 workers adds 8 (Python's chunk size, 4
   * chunks per worker), or 100 with `chunkSize: 1`.
   *
   * @example
   * ```ts
   * await pool.map(double, items); // 100 items
   * pool.stats().completed; // 8 more than before
   * ```
   */
  completed: number;
  /** Calls that rejected (a `map` chunk counts once, as in {@link completed}). */
  failed: number;
  /** Fraction of worker time spent running tasks since the pool started, 0…1. */
  utilization: number;
  /** Run time of recent calls (ms). */
  runTime: Percentiles;
  /** Time recent calls waited in the queue (ms). */
  waitTime: Percentiles;
}
