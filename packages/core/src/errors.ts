import { ParError } from '@par/async';
import { typeScriptModuleHint } from './module-hint.js';

/** Describes where a failed call ran, for error messages: `square (file:///app/tasks.js)`. */
export interface TaskInfo {
  /** The export name, or the function's name for a self-contained function. */
  readonly name: string;
  /** The module URL, or `undefined` for a self-contained function. */
  readonly module?: string | undefined;
}

/**
 * The worker running a call died: it called `process.exit()`, threw from a timer,
 * ran out of memory under `resourceLimits`, was killed, or was terminated after a
 * timeout or abort grace period. The pool replaces the worker.
 *
 * @example
 * ```ts
 * await pool.run(t.exitHard).catch((err) => {
 *   if (err instanceof WorkerCrashedError) console.log(err.exitCode, err.signal);
 * });
 * ```
 */
export class WorkerCrashedError extends ParError {
  /** The worker's exit code, `null` when killed by a signal. */
  readonly exitCode: number | null;
  /** The signal name (`'SIGKILL'`) when a process was killed by a signal, else `null`. */
  readonly signal: string | null;
  /** The pool's number for the worker. */
  readonly workerId: number;
  /** The call that was running, when there was one. */
  readonly task: TaskInfo | undefined;

  constructor(
    message: string,
    details: {
      exitCode: number | null;
      signal: string | null;
      workerId: number;
      task?: TaskInfo | undefined;
    },
    options?: ErrorOptions,
  ) {
    super(message, 'PAR_WORKER_CRASHED', options);
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.workerId = details.workerId;
    this.task = details.task;
  }
}

/**
 * Workers failed to start several times in a row (a bad `execArgv`, an
 * `initializer` that throws, a missing worker file), so the pool stopped trying,
 * like Python's `BrokenProcessPool`. Every pending and later call rejects with it;
 * `cause` holds the last start-up failure. Only a configuration that cannot start
 * breaks a pool: a child process killed from outside while it starts (`SIGKILL`,
 * `SIGTERM`, `SIGINT`, `SIGHUP`, `SIGQUIT`) is replaced after a backoff and never
 * counts toward it.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ initializer: t.failingSetup });
 * await pool.run(t.square, 2).catch((err) => err instanceof BrokenPoolError); // true
 * ```
 */
export class BrokenPoolError extends ParError {
  constructor(
    message = 'The pool is broken: workers keep failing to start',
    options?: ErrorOptions,
  ) {
    super(message, 'PAR_BROKEN_POOL', options);
  }
}

/**
 * The pool was closed or terminated: a call made after `close()` / `terminate()`,
 * or a queued or running call when `terminate()` stopped the workers.
 *
 * @example
 * ```ts
 * await pool.close();
 * await pool.run(t.square, 2).catch((err) => err instanceof PoolClosedError); // true
 * ```
 */
export class PoolClosedError extends ParError {
  constructor(message = 'The pool is closed', options?: ErrorOptions) {
    super(message, 'PAR_POOL_CLOSED', options);
  }
}

/**
 * A task reference names an export its module does not have (or one that is not
 * a function). `exports` lists the module's function exports.
 *
 * @example
 * ```ts
 * await pool.run(t.sqaure, 2).catch((err) => console.log(err.exports)); // ['cube', 'square']
 * ```
 */
export class UnknownTaskError extends ParError {
  /** The module's exports that are functions. */
  readonly exports: readonly string[];

  constructor(message: string, exports: readonly string[], options?: ErrorOptions) {
    super(message, 'PAR_UNKNOWN_TASK', options);
    this.exports = exports;
  }
}

/**
 * A task's module could not be loaded in the worker: it does not exist, or it
 * threw while being imported (`cause` holds the original error). `module` names it.
 *
 * @example
 * ```ts
 * await pool.run(tasks('/nope.js').x).catch((err) => err.code); // 'PAR_TASK_MODULE'
 * ```
 */
export class TaskModuleError extends ParError {
  /** The module URL. */
  readonly module: string;

  constructor(message: string, module: string, options?: ErrorOptions) {
    // a .ts module without a TypeScript loader: the message says what to do
    super(message + typeScriptModuleHint(module, options?.cause), 'PAR_TASK_MODULE', options);
    this.module = module;
  }
}

/**
 * A self-contained function sent to a worker used a variable from outside its
 * own source (a closure). `variable` names it; the message shows the module form.
 *
 * @example
 * ```ts
 * const factor = 3;
 * await pool.run((n) => n * factor, 2).catch((err) => err.variable); // 'factor'
 * ```
 */
export class TaskClosureError extends ParError {
  /** The outer variable the function used. */
  readonly variable: string;

  constructor(message: string, variable: string, options?: ErrorOptions) {
    super(message, 'PAR_TASK_CLOSURE', options);
    this.variable = variable;
  }
}

/**
 * An argument or result could not be copied to the other side (a function, a
 * closed port, …, or a class instance with no own enumerable property, whose state
 * is in `#private` fields or getters: structured clone would deliver it as `{}`).
 * The message names the task and the argument (for a nested value, its path and
 * class).
 *
 * @example
 * ```ts
 * await pool.run(t.identity, () => 1).catch((err) => err.code); // 'PAR_NOT_CLONEABLE'
 * ```
 */
export class NotCloneableError extends ParError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'PAR_NOT_CLONEABLE', options);
  }
}
