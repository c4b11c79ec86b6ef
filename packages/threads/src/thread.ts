import { ParError, TimeoutError } from '@par/async';
import {
  clearTimer,
  setTimer,
  validateBoolean,
  validateOptions,
  validateTimeout,
} from '@par/async/internal';
import { type CallerArgs, Pool, PoolClosedError, type Task } from '@par/core';
import { engineOf } from '@par/core/internal';
import { createTransport } from '#transport';
import { daemonTransport } from './daemon-transport.js';
import { registerSharedHandlers } from './shared/handlers.js';

/** Options of {@link Thread}. */
export interface ThreadOptions<A extends unknown[] = unknown[]> {
  /**
   * Arguments for the task. A `Queue` is accepted where the task declares a
   * `QueueHandle` (it arrives in the worker as that handle).
   * @default []
   */
  args?: CallerArgs<A>;
  /**
   * A name for messages and debugging.
   * @default 'Thread-N'
   */
  name?: string;
  /**
   * A daemon thread never keeps the program alive (Python's `daemon=True`): when
   * nothing else is left to do, the program exits although the thread still runs
   * or waits (say, on a queue), and the thread is stopped with it. A non-daemon
   * thread keeps the program running until its task settles.
   * @default false
   * @example
   * ```ts
   * new Thread(t.consume, { args: [queue], daemon: true }).start();
   * ```
   */
  daemon?: boolean;
}

/** Options of {@link Thread.join}. */
export interface JoinOptions {
  /** Milliseconds to wait; rejects with `TimeoutError` if the thread is still running (it keeps running). */
  timeout?: number;
}

let counter = 0;

/**
 * Python's `threading.Thread` on a worker thread: `start()` runs the task in a
 * new thread, `join()` resolves to its result. Each thread is a one-worker pool:
 * a worker_threads `Worker` in Node, a module Web Worker in a browser (the
 * `#transport` import picks one).
 *
 * @example
 * ```ts
 * const thread = new Thread(t.square, { args: [4], name: 'squarer' });
 * thread.start();
 * thread.isAlive; // true
 * await thread.join(); // 16
 * ```
 */
export class Thread<A extends unknown[] = unknown[], R = unknown> {
  /** The thread's name. */
  readonly name: string;
  /** Whether the thread is a daemon (see {@link ThreadOptions.daemon}). */
  readonly daemon: boolean;
  readonly #task: Task<A, R>;
  readonly #args: A;
  #pool: Pool | undefined;
  #result: Promise<Awaited<R>> | undefined;
  #alive = false;
  #terminated = false;
  /** join() was called: the task's error, if any, reaches the caller. */
  #joined = false;
  #threadId: number | undefined;

  constructor(task: Task<A, R>, options?: ThreadOptions<A>) {
    const o = validateOptions<ThreadOptions<A>>('options', options, ['args', 'name', 'daemon']);
    if (typeof task !== 'function' && (typeof task !== 'object' || task === null)) {
      throw new TypeError(
        "Expected `task` to be a task reference (tasks(new URL('./tasks.js', import.meta.url)).name) or a self-contained function",
      );
    }
    if (o.args !== undefined && !Array.isArray(o.args)) {
      throw new TypeError('Expected `args` to be an array');
    }
    if (o.name !== undefined && typeof o.name !== 'string') {
      throw new TypeError('Expected `name` to be a string');
    }
    this.daemon = validateBoolean('daemon', o.daemon, false);
    counter++;
    this.name = o.name ?? `Thread-${counter}`;
    this.#task = task;
    this.#args = (o.args === undefined ? [] : [...o.args]) as A;
  }

  /**
   * Starts the thread. A thread starts at most once; a second call throws.
   * Returns the thread, so `new Thread(t.work).start()` reads naturally.
   */
  start(): this {
    if (this.#pool !== undefined) {
      throw new ParError(`Thread ${this.name} can only be started once`, 'PAR_INVALID_STATE');
    }
    registerSharedHandlers();
    const transport = createTransport();
    const pool = new Pool(this.daemon ? daemonTransport(transport) : transport, {
      maxWorkers: 1,
      minWorkers: 1,
      idleTimeout: Infinity,
    });
    this.#pool = pool;
    this.#threadId = engineOf(pool).handles()[0]?.threadId;
    this.#alive = true;
    const result = (pool.run(this.#task, ...this.#args) as Promise<Awaited<R>>).catch(
      (error: unknown) => {
        // the pool is this thread's own: say which thread, not which pool, was stopped
        if (this.#terminated && error instanceof PoolClosedError) {
          throw new PoolClosedError(`Thread ${this.name} was terminated`, { cause: error });
        }
        throw error;
      },
    );
    this.#result = result;
    const finish = () => {
      this.#alive = false;
      void pool.close();
    };
    result.then(finish, (error: unknown) => {
      finish();
      // Python's threading.excepthook: a task's error nobody is waiting for is
      // printed (stderr), not lost; the program goes on
      if (!this.#joined && !this.#terminated) {
        console.error(`Exception in thread ${this.name}:`, error);
      }
    });
    return this;
  }

  /**
   * Resolves to the task's result once the thread finished (rejects with its
   * error; a thread whose task fails before anyone called `join()` also prints the
   * error to stderr, `Exception in thread <name>:`, as Python's
   * `threading.excepthook` does, so that an error is never lost unseen). Rejects
   * if the thread was never started, or with `TimeoutError` when
   * `timeout` passes first: the thread keeps running (check `isAlive`; Python's
   * `join(timeout)` returns `None` instead, since @par timeouts reject).
   *
   * @example
   * ```ts
   * await thread.join({ timeout: 100 }).catch((e) => e instanceof TimeoutError && thread.isAlive);
   * ```
   */
  join(options?: JoinOptions): Promise<Awaited<R>> {
    if (this.#result !== undefined) this.#joined = true;
    try {
      const o = validateOptions<JoinOptions>('options', options, ['timeout']);
      const timeout = validateTimeout('timeout', o.timeout);
      const result = this.#result;
      if (result === undefined) {
        throw new ParError(
          `Cannot join thread ${this.name} before it is started`,
          'PAR_INVALID_STATE',
        );
      }
      if (timeout === undefined || timeout === Number.POSITIVE_INFINITY) return result;
      return new Promise((resolve, reject) => {
        const timer = setTimer(
          () => reject(new TimeoutError(`Thread ${this.name} did not finish within ${timeout} ms`)),
          timeout,
        );
        result.then(
          (value) => {
            clearTimer(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimer(timer);
            reject(error);
          },
        );
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** True from `start()` until the task settles. */
  get isAlive(): boolean {
    return this.#alive;
  }

  /** The worker thread's id (`worker.threadId`), `undefined` before `start()`. */
  get threadId(): number | undefined {
    return this.#threadId;
  }

  /** Stops the thread now; a pending `join()` rejects with `PoolClosedError`. */
  async terminate(): Promise<void> {
    if (this.#pool === undefined) return;
    this.#terminated = true;
    this.#result?.catch(() => {});
    await this.#pool.terminate();
    this.#alive = false;
  }
}
