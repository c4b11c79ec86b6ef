import { type ChildProcess, fork } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ParError } from '@par/async';
import {
  clearTimer,
  deferred,
  optionMessage,
  setTimer,
  type Timer,
  validateOneOf,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import {
  type CallerArgs,
  encodeValue,
  inheritedExecArgv,
  type Task,
  type WireTask,
} from '@par/core';
import { findSharedMemory, sharedMemoryError } from '@par/core/internal';
import { serializeForChild } from './child-serializer.js';
import { Connection } from './connection.js';
import { entryPath, processCapabilities } from './entry.js';
import { toExitCode } from './exit-code.js';
import { IpcChannels } from './ipc-channels.js';
import { toWireTask } from './task-spec.js';
import { installProcessTransferHandlers } from './transfer-handlers.js';

/** Where a child's stdout and stderr go. */
export type StdioOption = 'inherit' | 'pipe' | 'ignore';

/** Options of {@link Process}. */
export interface ProcessOptions<A extends unknown[] = unknown[]> {
  /**
   * The task's arguments; `Connection`s and queues arrive as working handles (a
   * `Queue` is accepted where the task declares a `QueueHandle`). @default []
   */
  args?: CallerArgs<A>;
  /** Shown in error reports. @default 'Process-<n>' */
  name?: string;
  /** The child's environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The child's working directory. @default process.cwd() */
  cwd?: string | URL;
  /**
   * Node flags for the child. @default the parent's `execArgv` minus `--input-type`,
   * `-e`/`--eval` and `-p`/`--print` (so loaders such as tsx apply in the child)
   */
  execArgv?: string[];
  /**
   * The child's stdout and stderr: `'inherit'` writes to the parent's, `'pipe'`
   * exposes them as `process.stdout` / `process.stderr` streams (read them, or the
   * child blocks once the pipe buffer is full), `'ignore'` drops them.
   * @default 'inherit'
   */
  stdio?: StdioOption;
  /**
   * A daemon child does not keep the parent alive; it is killed when the parent
   * exits (Python's `daemon=True`). A non-daemon child keeps the parent running
   * until it exits. Waiting on a daemon child (a pipe message, `join()`) does not
   * keep the parent alive either. @default false
   */
  daemon?: boolean;
}

/** Options of {@link Process.join}. */
export interface JoinOptions {
  /** Milliseconds to wait; then `join()` resolves to `null` if the child still runs. @default Infinity */
  timeout?: number;
  /** Stops waiting: `join()` rejects with `signal.reason` (the child keeps running). */
  signal?: AbortSignal;
}

let counter = 0;

function stateError(message: string): ParError {
  return new ParError(message, 'PAR_INVALID_STATE');
}

/**
 * Runs a task in a new child process, like Python's `multiprocessing.Process`.
 * The task is a reference from `tasks(new URL(...))` or a self-contained
 * function; its return value is ignored, and the child exits with code 0
 * when it settles (1 if it throws, after printing the error to stderr).
 *
 * @example
 * ```ts
 * const worker = new Process(tasks.crunch, { args: [1000] });
 * worker.start();
 * const exitCode = await worker.join(); // 0
 * ```
 */
export class Process<A extends unknown[] = unknown[]> {
  /** The name given in the options, or `Process-<n>`. */
  readonly name: string;
  readonly #task: WireTask;
  readonly #args: unknown[];
  readonly #options: ProcessOptions<A>;
  #child: ChildProcess | undefined;
  #exitCode: number | null = null;
  #alive = false;
  #exited = deferred<void>();
  #release: (() => void) | undefined;

  constructor(task: Task<A, unknown>, options?: ProcessOptions<A>) {
    const opts = validateOptions<ProcessOptions<A>>('options', options, [
      'args',
      'name',
      'env',
      'cwd',
      'execArgv',
      'stdio',
      'daemon',
    ]);
    this.#task = toWireTask(task as Task<never[], unknown>);
    if (opts.args !== undefined && !Array.isArray(opts.args))
      throw new TypeError(optionMessage('args', 'an array', opts.args));
    if (opts.name !== undefined && typeof opts.name !== 'string')
      throw new TypeError(optionMessage('name', 'a string', opts.name));
    if (opts.env !== undefined && (typeof opts.env !== 'object' || opts.env === null))
      throw new TypeError(optionMessage('env', 'an object', opts.env));
    if (
      opts.cwd !== undefined &&
      typeof opts.cwd !== 'string' &&
      !(opts.cwd instanceof URL && opts.cwd.protocol === 'file:')
    )
      throw new TypeError(optionMessage('cwd', 'a string or a file URL', opts.cwd));
    if (
      opts.execArgv !== undefined &&
      (!Array.isArray(opts.execArgv) || opts.execArgv.some((a) => typeof a !== 'string'))
    )
      throw new TypeError(optionMessage('execArgv', 'an array of strings', opts.execArgv));
    if (opts.stdio !== undefined) validateOneOf('stdio', opts.stdio, ['inherit', 'pipe', 'ignore']);
    if (opts.daemon !== undefined && typeof opts.daemon !== 'boolean')
      throw new TypeError(optionMessage('daemon', 'a boolean', opts.daemon));
    this.#args = opts.args ? [...opts.args] : [];
    this.#options = opts;
    this.name = opts.name ?? `Process-${++counter}`;
    // join() is often awaited only after kill(); the rejection path is join()'s own
    this.#exited.promise.catch(() => {});
  }

  /** The child's process id once started, else `undefined`. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * `null` until the child exits, then its exit code, or minus the number of the
   * signal that ended it (`-9` after `kill()`, `-15` after `terminate()`), as in Python.
   */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** True from `start()` until the child exits. */
  get isAlive(): boolean {
    return this.#alive;
  }

  /** Whether the child is a daemon (see {@link ProcessOptions.daemon}). */
  get daemon(): boolean {
    return this.#options.daemon ?? false;
  }

  /** The child's stdout with `stdio: 'pipe'`, else `null`. */
  get stdout(): Readable | null {
    return this.#child?.stdout ?? null;
  }

  /** The child's stderr with `stdio: 'pipe'`, else `null`. */
  get stderr(): Readable | null {
    return this.#child?.stderr ?? null;
  }

  /**
   * Starts the child. Throws if called twice, or if an argument cannot be sent
   * to another process.
   *
   * @example
   * ```ts
   * const p = new Process(tasks.work).start();
   * ```
   */
  start(): this {
    if (this.#child || this.#alive || this.#exitCode !== null)
      throw stateError(`${this.name} was already started; a process can be started only once`);
    const opts = this.#options;
    const cwd = opts.cwd instanceof URL ? fileURLToPath(opts.cwd) : opts.cwd;
    // a missing directory fails here, naming the option and the path
    if (cwd !== undefined) {
      try {
        statSync(cwd);
      } catch (error) {
        // the pool's wording; the system's code (ENOENT, ENOTDIR…) stays on the error
        throw Object.assign(
          new Error(`Cannot start ${this.name}: its \`cwd\` ${cwd} does not exist`, {
            cause: error,
          }),
          { code: (error as { code?: unknown }).code },
        );
      }
    }
    let child: ChildProcess | undefined;
    installProcessTransferHandlers();
    // Connections and queues among the arguments are served over channels of the
    // child's IPC connection, through the same transfer handlers as pool tasks.
    const channels = new IpcChannels((message) => child?.send(message));
    const context = { capabilities: processCapabilities, openChannel: () => channels.open() };
    const release = (): void => channels.closeAll();
    const args: unknown[] = [];
    try {
      this.#args.forEach((arg, i) => {
        const { value } = encodeValue(arg, context);
        try {
          serializeForChild(value);
        } catch (error) {
          const path = findSharedMemory(value);
          if (path !== undefined) {
            const at = path === '' ? '' : ` at ${path}`;
            throw sharedMemoryError(`Argument ${i}${at} of ${this.name}`, 'processes', error);
          }
          throw new TypeError(
            `Argument ${i} of ${this.name} cannot be sent to a child process: ${(error as Error).message}`,
            { cause: error },
          );
        }
        args.push(value);
      });
    } catch (error) {
      release();
      throw error;
    }
    const stdio = opts.stdio ?? 'inherit';
    child = fork(entryPath(), ['process'], {
      cwd,
      env: opts.env ?? process.env,
      execArgv: opts.execArgv ?? inheritedExecArgv(),
      serialization: 'advanced',
      stdio: ['ignore', stdio, stdio, 'ipc'],
    });
    this.#child = child;
    this.#release = release;
    // a pipe end passed to a Process is handed over, as Python code closes its copy
    for (const arg of this.#args) if (arg instanceof Connection) arg.handOver();
    this.#alive = true;
    const started = child;
    // The child's last message is `par:end`: once it was read, every pipe send and
    // queue put the child made before it has been handled, in order.
    let ended = false;
    let exitCode: number | undefined;
    child.on('message', (message: { t?: string }) => {
      if (channels.handle(message)) return;
      if (message?.t === 'par:end') {
        ended = true;
        if (exitCode !== undefined) this.#onExit(exitCode);
        return;
      }
      if (message?.t === 'par:ready') {
        started.send({ t: 'par:run', task: this.#task, args, name: this.name }, (error) => {
          // the child died before it could read the task; 'exit' reports that
          if (error) return;
        });
      }
    });
    // 'exit' can come before the child's last messages (pipe sends, queue puts) were
    // read: settle once the IPC channel has closed too, so none of them is dropped.
    child.on('exit', (code, signal) => {
      exitCode = toExitCode(code, signal);
      const settle = (): void => this.#onExit(exitCode as number);
      if (ended || !started.connected) settle();
      else {
        // Killed or crashed before `par:end`: wait for the channel to drain. Only a
        // child that never said `par:end` falls back to the timer (a grandchild
        // holding the channel open must not keep join() waiting): a timer that
        // also covered normal exits could fire before messages already written
        // were read (a busy event loop's cached clock makes a 1 s timer expire at
        // once), dropping the child's last pipe sends.
        started.once('disconnect', settle);
        setTimeout(settle, 1000).unref();
      }
    });
    child.on('error', (error) => {
      if (started.pid === undefined) {
        // never spawned: there will be no 'exit'
        this.#alive = false;
        release();
        this.#exited.reject(error);
      }
    });
    if (opts.daemon) {
      child.unref();
      child.channel?.unref();
    }
    return this;
  }

  #onExit(code: number): void {
    if (!this.#alive) return;
    this.#exitCode = code;
    this.#alive = false;
    this.#release?.();
    this.#exited.resolve();
  }

  /**
   * Waits for the child to exit and resolves to its {@link Process.exitCode}.
   * With `timeout`, resolves to `null` if it is still running then (as Python's
   * `join(timeout)` returns with `exitcode` still `None`). Rejects if the process
   * was never started. Can be called any number of times.
   *
   * @example
   * ```ts
   * const code = await p.join({ timeout: 5000 });
   * if (code === null) p.kill();
   * ```
   */
  join(options?: JoinOptions): Promise<number | null> {
    try {
      const opts = validateOptions<JoinOptions>('options', options, ['timeout', 'signal']);
      const timeout = validateTimeout('timeout', opts.timeout);
      const signal = validateSignal('signal', opts.signal);
      if (!this.#child)
        return Promise.reject(stateError(`Cannot join ${this.name}: it was not started`));
      if (!this.#alive) return this.#exited.promise.then(() => this.#exitCode);
      if (signal?.aborted) return Promise.reject(signal.reason);
      const exited = this.#exited.promise.then(() => this.#exitCode);
      if (timeout === undefined && !signal) return exited;
      return new Promise<number | null>((resolve, reject) => {
        let timer: Timer | undefined;
        const onAbort = (): void => {
          cleanup();
          reject(signal?.reason);
        };
        const cleanup = (): void => {
          if (timer !== undefined) clearTimer(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
          timer = setTimer(() => {
            cleanup();
            resolve(this.#exitCode);
          }, timeout);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        exited.then(
          (code) => {
            cleanup();
            resolve(code);
          },
          (error: unknown) => {
            cleanup();
            reject(error);
          },
        );
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends SIGTERM: the child stops (no cleanup in the task runs) and
   * `exitCode` becomes `-15`. Does nothing once the child exited.
   *
   * @example
   * ```ts
   * p.terminate();
   * await p.join(); // -15
   * ```
   */
  terminate(): void {
    if (this.#alive) this.#child?.kill('SIGTERM');
  }

  /**
   * Sends SIGKILL: `exitCode` becomes `-9`. Does nothing once the child exited.
   *
   * @example
   * ```ts
   * p.kill();
   * await p.join(); // -9
   * ```
   */
  kill(): void {
    if (this.#alive) this.#child?.kill('SIGKILL');
  }

  /** Terminates the child if it still runs, then waits for it to exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#child) return;
    this.terminate();
    await this.join().catch(() => {});
  }
}
