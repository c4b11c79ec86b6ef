import { isAbortError, isThenable, noop, onAbort } from './abort.js';
import { CancelledError, ParError } from './errors.js';
import { optionMessage, validateFunction, validateOptions, validateSignal } from './validate.js';

/** Options of {@link TaskGroup} and {@link taskGroup}. */
export interface TaskGroupOptions {
  /**
   * A parent signal: when it aborts, the group aborts too and `wait()` rejects
   * with `signal.reason` (after every task has finished).
   * @default undefined
   */
  signal?: AbortSignal;
}

// Let taskGroup() record the body's outcome without a public method for it.
const recordFailure = Symbol('recordFailure');
const recordResult = Symbol('recordResult');

/**
 * Structured concurrency (`asyncio.TaskGroup`): tasks spawned into the group run
 * concurrently; the first failure aborts the group's `signal` so the others can
 * stop; `wait()` (or `await using`) waits for every task and then throws an
 * `AggregateError` of all failures, each reported once. Once the group's signal
 * aborted, a task that rejects with its reason or with an `AbortError` (it gave up
 * because of that abort, as `fetch` or `node:timers/promises` do) is cancelled, not
 * counted as a failure.
 *
 * @example
 * ```ts
 * await using tg = new TaskGroup();
 * const user = tg.spawn((signal) => fetchUser(id, { signal }));
 * tg.spawn((signal) => warmCache({ signal }));
 * // leaving the block waits for both; a failure aborts the other and throws
 * ```
 */
export class TaskGroup implements AsyncDisposable {
  #controller = new AbortController();
  #running = 0;
  #errors: unknown[] = [];
  #waiting: Promise<void> | undefined;
  #idle: (() => void) | undefined;
  #finished = false;
  // the parent's abort stops something (a task gave up) or nothing produced a result
  #cancelled = false;
  #produced = false;
  #removeParent: () => void;
  #parent: AbortSignal | undefined;

  constructor(options?: TaskGroupOptions) {
    const opts = validateOptions<TaskGroupOptions>('options', options);
    const parent = validateSignal('signal', opts.signal);
    this.#parent = parent;
    if (parent?.aborted) this.#controller.abort(parent.reason);
    this.#removeParent = onAbort(parent, () => this.#controller.abort(parent?.reason));
  }

  /** Aborted at the first failure (or when the parent signal aborts); hand it to every task. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** How many spawned tasks have not settled yet. */
  get size(): number {
    return this.#running;
  }

  /**
   * Starts `fn(signal)` in the group (or adopts an already running promise) and
   * returns its result promise. That promise
   * never causes an unhandled rejection: a failure is reported by `wait()`.
   * Throws once the group has finished; after the group aborted, `fn` is not
   * started and the promise rejects with the abort reason.
   *
   * @example
   * ```ts
   * const answer = tg.spawn(async (signal) => compute({ signal }));
   * ```
   */
  spawn<T>(
    fn: ((signal: AbortSignal) => T | PromiseLike<T>) | PromiseLike<T>,
  ): Promise<Awaited<T>> {
    if (typeof fn !== 'function' && !isThenable(fn)) {
      throw new TypeError(optionMessage('fn', 'a function or a promise', fn));
    }
    if (this.#finished) {
      throw new ParError(
        'TaskGroup has finished; spawn() is no longer allowed',
        'PAR_TASK_GROUP_FINISHED',
      );
    }
    const signal = this.#controller.signal;
    if (signal.aborted) {
      this.#cancelled = true;
      const rejected = Promise.reject(signal.reason) as Promise<Awaited<T>>;
      rejected.catch(noop);
      return rejected;
    }
    this.#running++;
    let promise: Promise<Awaited<T>>;
    try {
      promise = Promise.resolve(typeof fn === 'function' ? fn(signal) : fn) as Promise<Awaited<T>>;
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      () => {
        this[recordResult]();
        this.#taskDone();
      },
      (error: unknown) => {
        this[recordFailure](error);
        this.#taskDone();
      },
    );
    return promise;
  }

  /**
   * Waits for every task (including ones spawned while waiting, or right after the
   * call in the same tick), then throws an `AggregateError` of the failures, or the
   * parent signal's reason itself if it aborted the group and cancelled a task. When
   * every task completed despite the parent's abort, their results stand and `wait()`
   * resolves. Calling it again returns the same promise.
   */
  wait(): Promise<void> {
    this.#waiting ??= this.#waitForAll();
    return this.#waiting;
  }

  async #waitForAll(): Promise<void> {
    // a task spawned while the idle group's wakeup was on its way (right after the
    // call to wait(), in the same tick) is waited for too
    do {
      await new Promise<void>((resolve) => {
        if (this.#running === 0) resolve();
        else this.#idle = resolve;
      });
    } while (this.#running > 0);
    this.#finish();
  }

  /** `await using tg = new TaskGroup()` waits for the group when the block ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.wait();
  }

  /** @internal */
  [recordFailure](error: unknown, fromBody = false): void {
    const signal = this.#controller.signal;
    // a task that gave up because of our own abort is cancelled, not failed: it rejects
    // with the abort reason, or with an AbortError (fetch, node:timers/promises…)
    if (signal.aborted && (error === signal.reason || isAbortError(error))) {
      this.#cancelled = true;
      return;
    }
    if (this.#recorded(error, fromBody)) return;
    this.#errors.push(error);
    if (!signal.aborted) {
      this.#controller.abort(
        new CancelledError('TaskGroup aborted because a task failed', { cause: error }),
      );
    }
  }

  // nothing is reported twice: the same error object is one failure (the body rethrowing
  // the task it awaited, tasks sharing a rejected promise); an equal primitive is the
  // same failure only when the body rethrows it
  #recorded(error: unknown, fromBody: boolean): boolean {
    if (!this.#errors.includes(error)) return false;
    return fromBody || (error !== null && typeof error === 'object') || typeof error === 'function';
  }

  /** @internal */
  [recordResult](): void {
    this.#produced = true;
  }

  #taskDone(): void {
    if (--this.#running === 0 && this.#idle !== undefined) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  #finish(): void {
    this.#finished = true;
    this.#removeParent();
    if (this.#errors.length > 0) {
      throw new AggregateError(
        this.#errors,
        `${this.#errors.length} task${this.#errors.length === 1 ? '' : 's'} of the TaskGroup failed`,
      );
    }
    // work that completed despite the parent's abort keeps its results (asyncio.timeout's rule)
    if (this.#parent?.aborted && (this.#cancelled || !this.#produced)) throw this.#parent.reason;
  }
}

/**
 * Runs `body(tg)` with a fresh {@link TaskGroup}, then waits for every task it
 * spawned. A failure of the body counts like a task failure, except that a task's
 * error the body rethrows (by awaiting that task) is reported once. Resolves to the
 * body's return value.
 *
 * @example
 * ```ts
 * const [a, b] = await taskGroup(async (tg) => {
 *   const a = tg.spawn((signal) => fetchJson('/a', { signal }));
 *   const b = tg.spawn((signal) => fetchJson('/b', { signal }));
 *   return [await a, await b];
 * });
 * ```
 */
export async function taskGroup<R>(
  body: (tg: TaskGroup) => R | PromiseLike<R>,
  options?: TaskGroupOptions,
): Promise<Awaited<R>> {
  validateFunction('body', body);
  if (body === undefined) throw new TypeError('Expected `body` to be a function, got `undefined`');
  const tg = new TaskGroup(options);
  let result: Awaited<R> | undefined;
  try {
    result = await body(tg);
    tg[recordResult]();
  } catch (error) {
    tg[recordFailure](error, true);
  }
  await tg.wait();
  return result as Awaited<R>;
}
