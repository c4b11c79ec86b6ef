// startWorker: consumes a par queue on a local ThreadPool or ProcessPool. It runs
// only the modules of its allow-list (resolved against its own root); job data is
// parsed and decoded, never evaluated. It takes no more jobs than its pool starts
// at once, aborts a job's task signal when the caller aborts, and keeps a
// heartbeat key for `stats()`.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  MAX_TIMER_MS,
  optionMessage,
  validateInteger,
  validateNumber,
  validateOptions,
} from '@par/async/internal';
import {
  BrokenPoolError,
  cpuCount,
  type Pool,
  PoolClosedError,
  type TaskRef,
  taskRef,
} from '@par/core';
import { type Engine, engineOf, TaskFlag } from '@par/core/internal';
import { ProcessPool } from '@par/processes';
import { ThreadPool } from '@par/threads';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RedisConnection, resolveConnection } from './connection.js';
import { TaskNotAllowedError } from './errors.js';
import type { WorkerInfo } from './heartbeat.js';
import { isPackageSpecifier, resolvePackageSpecifier } from './package-specifier.js';
import { moduleUrl, normalizeModulePath, resolveRoot } from './task-path.js';
import { engineTurnBatch } from './turn-batch.js';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeArgs,
  encodeChunkResult,
  encodeFailure,
  encodeResult,
  type JobData,
  JobKind,
  parKeys,
  parseJobData,
  type TimedResult,
  timedResult,
} from './wire.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /**
   * Redis: a URL (`redis://:password@host:6379`, `rediss://` for TLS) or ioredis options.
   * @example startWorker({ connection: 'redis://127.0.0.1:6379', queue: 'par', root, allow: ['tasks.js'] })
   */
  connection: RedisConnection;
  /**
   * The queue to consume.
   * @example startWorker({ connection, queue: 'par', root, allow: ['tasks.js'] })
   */
  queue: string;
  /**
   * The code root: job module paths are resolved against it.
   * @example startWorker({ connection, queue: 'par', root: new URL('./', import.meta.url), allow: ['tasks.js'] })
   */
  root: string | URL;
  /**
   * The modules this worker runs: paths relative to `root` (`'tasks.js'`,
   * `'lib/images.js'`), or package specifiers (`'my-pkg/tasks'`) that this worker
   * resolves from `root` with its own node_modules (an entry naming a file under
   * `root` is a path). Any other module is refused with `TaskNotAllowedError`
   * (code `PAR_TASK_NOT_ALLOWED`), naming it and this list.
   * @example startWorker({ connection, queue: 'par', root, allow: ['tasks.js', 'my-pkg/tasks'] })
   */
  allow: readonly string[];
  /**
   * Runs the jobs on a ThreadPool of this many threads (the default pool).
   * @default cpuCount()
   * @example startWorker({ connection, queue: 'par', root, allow, threads: 4 })
   */
  threads?: number;
  /**
   * Runs the jobs on a ProcessPool of this many processes instead of threads.
   * @example startWorker({ connection, queue: 'par', root, allow, processes: 4 })
   */
  processes?: number;
  /**
   * Namespace of the Redis keys; must match the pools'.
   * @default 'par'
   * @example startWorker({ connection, queue: 'par', root, allow, prefix: 'shop' })
   */
  prefix?: string;
  /**
   * Jobs taken at once. More than the local pool starts at once would let jobs
   * wait inside this worker, out of reach of other workers and of removal.
   * @default threads or processes
   * @example startWorker({ connection, queue: 'par', root, allow, threads: 4, concurrency: 2 })
   */
  concurrency?: number;
  /**
   * Milliseconds a job's lock lasts without renewal (BullMQ's `lockDuration`): a
   * worker that dies loses its jobs to the others after it. The worker renews the
   * locks of its running jobs every `lockDuration / 2` ms from its event loop, which
   * stays free while tasks run on the local pool; raise it when the worker runs
   * inside a program whose event loop can be blocked for longer (a blocked worker's
   * jobs would run a second time elsewhere). With the defaults, a killed worker's
   * calls run again within about 15 s (the lock expires, then BullMQ moves the job back at
   * its second stalled check: `lockDuration + 2 × stalledInterval` at most).
   * @default 5000
   * @example startWorker({ connection, queue: 'par', root, allow, lockDuration: 30_000 })
   */
  lockDuration?: number;
  /**
   * Milliseconds between checks for jobs whose worker died (BullMQ's
   * `stalledInterval`): a job whose lock expired goes back to the queue at the
   * next check. One check runs per interval for all the workers of a queue.
   * @default 5000
   * @example startWorker({ connection, queue: 'par', root, allow, stalledInterval: 1000 })
   */
  stalledInterval?: number;
  /**
   * How often a job may lose its worker and run again before it fails instead
   * (`JobFailedError` at the caller): with 1, a call survives one killed worker.
   * @default 1
   * @example startWorker({ connection, queue: 'par', root, allow, maxStalledCount: 3 })
   */
  maxStalledCount?: number;
  /**
   * Milliseconds between heartbeats; a worker counts as gone after three missed ones.
   * @default 5000
   * @example startWorker({ connection, queue: 'par', root, allow, heartbeatInterval: 1000 })
   */
  heartbeatInterval?: number;
  /**
   * The largest encoded result, in bytes; a larger one fails its call with `PayloadTooLargeError`.
   * @default 16_777_216 (16 MiB)
   * @example startWorker({ connection, queue: 'par', root, allow, maxPayloadBytes: 1 << 20 })
   */
  maxPayloadBytes?: number;
}

/** A running worker (from {@link startWorker}). */
export interface ClusterWorker {
  /** The worker's id in heartbeats. */
  readonly id: string;
  /** The modules it serves: paths relative to its root, and package specifiers. */
  readonly allow: readonly string[];
  /** The allow-list entries served as package specifiers, with the module URL each resolved to. */
  readonly packages: ReadonlyMap<string, string>;
  /** Jobs it runs at once. */
  readonly concurrency: number;
  /**
   * Resolves once the worker has stopped and released its connections: with
   * `undefined` after `close()`, or with the error that made it stop by itself. A
   * worker whose local pool breaks (`BrokenPoolError`: its threads or processes
   * cannot start) hands its jobs back to the queue, without using one of their
   * attempts, for other workers, and stops. Never rejects.
   * @example
   * ```ts
   * worker.closed.then((error) => { if (error) { console.error(error); process.exit(1); } });
   * ```
   */
  readonly closed: Promise<Error | undefined>;
  /** Stops taking jobs, lets the active ones finish, then closes the pool and every connection. */
  close(): Promise<void>;
  /** `await using worker = await startWorker(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts consuming `queue`: resolves once the worker takes jobs.
 *
 * @example
 * ```ts
 * const worker = await startWorker({
 *   connection: 'redis://127.0.0.1:6379', queue: 'par',
 *   root: new URL('./', import.meta.url), allow: ['tasks.js'], threads: 2,
 * });
 * process.once('SIGTERM', () => worker.close());
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<ClusterWorker> {
  const o = validateOptions<WorkerOptions>('options', options);
  const connection = resolveConnection('connection', o.connection);
  if (typeof o.queue !== 'string' || o.queue.length === 0) {
    throw new TypeError(optionMessage('queue', 'a non-empty string', o.queue));
  }
  const queueName = o.queue;
  const prefix = o.prefix ?? 'par';
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new TypeError(optionMessage('prefix', 'a non-empty string', o.prefix));
  }
  const root = resolveRoot('root', o.root);
  if (!Array.isArray(o.allow) || o.allow.length === 0) {
    throw new TypeError(
      optionMessage('allow', 'a non-empty array of module paths relative to root', o.allow),
    );
  }
  const allow: string[] = [];
  // relative paths (normalized) and package specifiers (resolved from root)
  const allowedPaths = new Set<string>();
  const allowedPackages = new Map<string, string>();
  for (const entry of o.allow) {
    if (typeof entry !== 'string' || entry.length === 0) {
      throw new TypeError(
        optionMessage('allow', 'module paths inside root or package specifiers', entry),
      );
    }
    const normal = normalizeModulePath(entry);
    const file = normal === undefined ? undefined : fileURLToPath(moduleUrl(normal, root));
    if (
      (file === undefined || !existsSync(file)) &&
      !entry.startsWith('./') &&
      isPackageSpecifier(entry)
    ) {
      let url: string | undefined;
      try {
        url = resolvePackageSpecifier(entry, root);
      } catch (error) {
        throw new TypeError(
          `${optionMessage('allow', 'module paths inside root or package specifiers', entry)}: ${(error as Error).message}`,
        );
      }
      if (url !== undefined) {
        if (!allowedPackages.has(entry)) allow.push(entry);
        allowedPackages.set(entry, url);
        continue;
      }
    }
    if (normal === undefined) {
      throw new TypeError(
        optionMessage('allow', 'module paths inside root or package specifiers', entry),
      );
    }
    if (!allowedPaths.has(normal)) allow.push(normal);
    allowedPaths.add(normal);
  }
  if (o.threads !== undefined && o.processes !== undefined) {
    throw new TypeError('Pass either `threads` or `processes`, not both');
  }
  const size =
    o.processes !== undefined
      ? validateInteger('processes', o.processes, { min: 1 })
      : o.threads !== undefined
        ? validateInteger('threads', o.threads, { min: 1 })
        : cpuCount();
  const concurrency =
    o.concurrency === undefined ? size : validateInteger('concurrency', o.concurrency, { min: 1 });
  const lockDuration =
    o.lockDuration === undefined
      ? DEFAULT_LOCK_DURATION
      : validateNumber('lockDuration', o.lockDuration, { min: 1, max: MAX_TIMER_MS });
  const stalledInterval =
    o.stalledInterval === undefined
      ? DEFAULT_STALLED_INTERVAL
      : validateNumber('stalledInterval', o.stalledInterval, { min: 1, max: MAX_TIMER_MS });
  const maxStalledCount =
    o.maxStalledCount === undefined
      ? 1
      : validateInteger('maxStalledCount', o.maxStalledCount, { min: 0 });
  const heartbeatInterval =
    o.heartbeatInterval === undefined
      ? 5000
      : validateNumber('heartbeatInterval', o.heartbeatInterval, { min: 1, max: MAX_TIMER_MS });
  const maxPayloadBytes =
    o.maxPayloadBytes === undefined
      ? DEFAULT_MAX_PAYLOAD_BYTES
      : validateInteger('maxPayloadBytes', o.maxPayloadBytes, { min: 1 });

  const keys = parKeys(prefix, queueName);
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const refs = new Map<string, TaskRef>();
  /** The task a job names, when this worker serves its module. */
  const resolveTask = (data: JobData): TaskRef => {
    const key = `${data.p === 1 ? 'p' : 'f'}:${data.m}\0${data.n}`;
    const cached = refs.get(key);
    if (cached !== undefined) return cached;
    let url: string | undefined;
    if (data.p === 1) url = allowedPackages.get(data.m);
    else {
      const normal = normalizeModulePath(data.m);
      if (normal !== undefined && allowedPaths.has(normal)) url = moduleUrl(normal, root).href;
    }
    if (url === undefined) {
      throw new TaskNotAllowedError(
        `${data.p === 1 ? 'Package module' : 'Module'} "${data.m}" (task ${data.n}) is not allowed on worker ${id}: it serves ${allow
          .map((m) => `"${m}"`)
          .join(', ')}. Start par-worker with --allow ${data.m} to serve it.`,
        data.m,
        allow,
      );
    }
    const ref = taskRef(url, data.n);
    // export names come from job data: the cache stays bounded whatever arrives
    if (refs.size >= 1024) refs.clear();
    refs.set(key, ref);
    return ref;
  };
  const pool: Pool =
    o.processes !== undefined
      ? new ProcessPool({ maxWorkers: size, minWorkers: size })
      : new ThreadPool({ maxWorkers: size, minWorkers: size });
  const engine = engineOf(pool);
  const control: Redis = connection.create();
  const subscriber: Redis = connection.create();
  control.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  // Aborts requested by callers. A request reaches this worker once its job is
  // active (a waiting job is removed by the caller instead); it can arrive before
  // the job's processor runs, so it is remembered for a while.
  const early = new Map<string, number>();
  const rememberEarly = (jobId: string) => {
    const now = Date.now();
    early.set(jobId, now);
    for (const [key, at] of early) {
      if (now - at < EARLY_CANCEL_MS) break;
      early.delete(key);
    }
  };
  let worker: Worker | undefined;
  subscriber.on('message', (_channel: string, jobId: string) => {
    if (!abortJob(jobId)) rememberEarly(jobId);
  });
  // after a lost subscription, the requests published meanwhile are read from
  // their keys for the jobs running here
  let subscribed = false;
  subscriber.on('ready', () => {
    if (!subscribed || worker === undefined) return;
    const active = [...running.keys()];
    if (active.length === 0) return;
    control
      .mget(active.map((jobId) => keys.cancel(jobId)))
      .then((values) => {
        values.forEach((value, i) => {
          const jobId = active[i] as string;
          if (value !== null) abortJob(jobId);
        });
      })
      .catch(() => undefined);
  });
  const running = new Map<string, RunningJob>();
  const turn = engineTurnBatch(engine);
  /** Aborts a job running here: its call in the pool (false: not running here). */
  const abortJob = (jobId: string): boolean => {
    const entry = running.get(jobId);
    if (entry === undefined) return false;
    if (entry.reason !== undefined) return true;
    const reason = cancelReason(jobId);
    entry.reason = reason;
    if (entry.call !== undefined) engine.cancellation.abort(entry.call, reason);
    entry.controller?.abort(reason);
    return true;
  };

  // The processor takes no signal from BullMQ (it would make an AbortController for
  // every job): a run job is aborted through its call in the engine, a chunk through
  // a controller of its own.
  /** Set when the local pool broke: the worker stops and hands back its jobs. */
  let broken: Error | undefined;
  let stop: () => Promise<void> = () => Promise.resolve();
  const processor = async (job: Job, token?: string): Promise<TimedResult> => {
    const jobId = String(job.id);
    let data: ReturnType<typeof parseJobData>;
    let args: unknown[];
    let ref: TaskRef;
    try {
      data = parseJobData(job.data, jobId);
      ref = resolveTask(data);
      args = decodeArgs(data, jobId);
    } catch (error) {
      throw new UnrecoverableError(encodeFailure(error));
    }
    const entry: RunningJob = { call: undefined, controller: undefined, reason: undefined };
    running.set(jobId, entry);
    try {
      if (early.delete(jobId)) abortJob(jobId);
      else if (job.attemptsStarted > 1 || job.stalledCounter > 0) {
        // a job run again (retried, or its worker died): it may have been aborted
        // while another worker held it
        if ((await control.exists(keys.cancel(jobId))) === 1) {
          abortJob(jobId);
        }
      }
      const timeout = data.t;
      // added until taken by a worker (BullMQ's timestamps: the caller's clock, this one's)
      const waitMs = (job.processedOn ?? Date.now()) - job.timestamp;
      let result: unknown;
      let started = 0;
      try {
        if (entry.reason !== undefined) throw entry.reason;
        if (data.k === JobKind.Run) {
          // the engine directly: the job's data is already checked, as run() would
          const options = timeout === undefined ? undefined : { timeout };
          result = await turn.run(() => {
            if (entry.reason !== undefined) return Promise.reject(entry.reason);
            // its caller can abort it, also while it waits in a busy thread here
            const call = engine.submit(ref, args, TaskFlag.Cancellable, options);
            entry.call = call;
            return call.promise;
          });
        } else {
          started = performance.now();
          const controller = new AbortController();
          entry.controller = controller;
          const callOptions = { signal: controller.signal, timeout };
          const items = args[0] as unknown[];
          result =
            data.k === JobKind.Chunk
              ? await pool.map(ref, items, { chunkSize: Math.max(1, items.length), ...callOptions })
              : await pool.starmap(ref, items as unknown[][], {
                  chunkSize: Math.max(1, items.length),
                  ...callOptions,
                });
        }
      } catch (error) {
        if (error instanceof BrokenPoolError && (await handBack(job, token, error))) {
          throw new WaitingError();
        }
        // the pool itself failed (not the task): an infrastructure failure, retried
        if (error instanceof BrokenPoolError || error instanceof PoolClosedError) throw error;
        throw new UnrecoverableError(encodeFailure(error));
      }
      try {
        const what = `result of ${data.n}`;
        if (data.k === JobKind.Run) {
          // the run time the local pool's worker measured around the task
          const runMs = entry.call?.runMs ?? 0;
          return timedResult(encodeResult(result, maxPayloadBytes, what), runMs, waitMs);
        }
        const runMs = performance.now() - started;
        return timedResult(encodeChunkResult(result, maxPayloadBytes, what), runMs, waitMs);
      } catch (error) {
        throw new UnrecoverableError(encodeFailure(error));
      }
    } finally {
      running.delete(jobId);
    }
  };

  /**
   * This worker can run nothing any more: the job goes back to the queue as it was
   * (no attempt used) for another worker, and the worker stops taking jobs. False
   * when the job could not be moved (its lock was lost): it then fails as before.
   */
  const handBack = async (
    job: Job,
    token: string | undefined,
    error: BrokenPoolError,
  ): Promise<boolean> => {
    broken ??= error;
    // stop fetching before the job is handed back, or this worker would take it again
    void stop();
    try {
      await job.moveToWait(token);
      return true;
    } catch {
      return false;
    }
  };

  const info: WorkerInfo = { id, host: hostname(), pid: process.pid, concurrency, allow };
  const beat = async () => {
    await control
      .multi()
      .set(keys.worker(id), JSON.stringify(info), 'PX', Math.ceil(3 * heartbeatInterval))
      .sadd(keys.workers, id)
      .exec();
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  let consumer: Worker;
  let runLoop: Promise<void>;
  try {
    worker = new Worker(queueName, processor, {
      connection: connection.bull,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      autorun: false,
    });
    worker.on('error', () => undefined);
    await subscriber.subscribe(keys.cancelChannel);
    subscribed = true;
    await beat();
    timer = setInterval(() => {
      beat().catch(() => undefined);
    }, heartbeatInterval);
    consumer = worker;
    runLoop = consumer.run();
    runLoop.catch(() => undefined);
    await consumer.waitUntilReady();
  } catch (error) {
    // a worker that could not start leaves nothing behind: no pool, connection or
    // timer keeps the program alive (a wrong password, a queue name BullMQ refuses)
    if (timer !== undefined) clearInterval(timer);
    await worker?.close(true).catch(() => undefined);
    await pool.terminate().catch(() => undefined);
    control.disconnect();
    subscriber.disconnect();
    throw error;
  }

  let closing: Promise<void> | undefined;
  let resolveClosed!: (error: Error | undefined) => void;
  const closed = new Promise<Error | undefined>((resolve) => {
    resolveClosed = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      clearInterval(timer);
      await consumer.close();
      await runLoop.catch(() => undefined);
      await pool.close();
      await control
        .multi()
        .del(keys.worker(id))
        .srem(keys.workers, id)
        .exec()
        .catch(() => undefined);
      await Promise.all([control.quit(), subscriber.quit()]);
    })();
    void closing.then(
      () => resolveClosed(broken),
      () => resolveClosed(broken),
    );
    return closing;
  };
  stop = close;
  return {
    id,
    allow,
    packages: allowedPackages,
    concurrency,
    closed,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A job this worker runs, and what aborts it. */
interface RunningJob {
  /** A run job's call in the local pool, once submitted. */
  call: ReturnType<Engine['submit']> | undefined;
  /** A chunk job's controller (its map's signal). */
  controller: AbortController | undefined;
  /** Set once the caller aborted the job. */
  reason: Error | undefined;
}

/**
 * @internal A job's lock (ms). BullMQ's 30 s would leave a killed worker's calls
 * waiting 30–60 s; the lock is renewed every 2.5 s by an event loop that tasks
 * never block (they run on the local pool).
 */
export const DEFAULT_LOCK_DURATION = 5000;

/** @internal Between two checks for the jobs of dead workers (ms). */
export const DEFAULT_STALLED_INTERVAL = 5000;

/** How long an abort request for a job not started here yet is kept (ms). */
const EARLY_CANCEL_MS = 60_000;

function cancelReason(jobId: string): Error {
  const error = new Error(`The call of job ${jobId} was aborted by its caller`);
  error.name = 'AbortError';
  return error;
}
