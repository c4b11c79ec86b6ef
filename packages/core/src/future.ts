import { CancelledError, TimeoutError } from '@par/async';
import {
  clearTimer,
  setTimer,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import { type Call, CallState } from './call.js';
import type { Engine } from './engine/engine.js';

/** Options of `Future#result` / `Future#exception`. */
export interface FutureWaitOptions {
  /** Milliseconds to wait; rejects with `TimeoutError` (the call keeps running). */
  timeout?: number;
  /** Stops waiting with `signal.reason` (the call keeps running). */
  signal?: AbortSignal;
}

const noop = () => {};

let make: (<R>(engine: Engine, call: Call) => Future<R>) | undefined;

/** @internal Makes the future of a call (Executor#submit). */
export function createFuture<R>(engine: Engine, call: Call): Future<R> {
  return (make as NonNullable<typeof make>)<R>(engine, call);
}

/**
 * The pending result of `executor.submit()` (Python's `concurrent.futures.Future`):
 * awaitable like a promise, plus `cancel()`, `cancelled()`, `running()`, `done()`,
 * `result()`, `exception()` and `addDoneCallback()`. A future that fails never
 * raises an unhandled rejection by itself: the error waits until asked for.
 *
 * @example
 * ```ts
 * const future = executor.submit(t.square, 3);
 * future.cancel(); // false once it started
 * await future;    // 9
 * ```
 */
export class Future<R> implements PromiseLike<R> {
  readonly #engine: Engine;
  readonly #call: Call;
  readonly #promise: Promise<R>;
  #cancelled = false;
  #callbacks: ((future: Future<R>) => void)[] | undefined;

  static {
    make = <R>(engine: Engine, call: Call) => new Future<R>(engine, call);
  }

  /** Futures are made by `Executor#submit`. */
  private constructor(engine: Engine, call: Call) {
    this.#engine = engine;
    this.#call = call;
    this.#promise = call.promise as Promise<R>;
    this.#promise.catch(noop);
    this.#promise.then(
      () => this.#runCallbacks(),
      () => this.#runCallbacks(),
    );
  }

  // biome-ignore lint/suspicious/noThenProperty: a Future is deliberately thenable
  then<T1 = R, T2 = never>(
    onfulfilled?: ((value: R) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.#promise.then(onfulfilled, onrejected);
  }

  /** Like `Promise#catch`. */
  catch<T = never>(onrejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<R | T> {
    return this.#promise.catch(onrejected);
  }

  /** Like `Promise#finally`. */
  finally(onfinally?: (() => void) | null): Promise<R> {
    return this.#promise.finally(onfinally);
  }

  /**
   * Cancels the call if it has not started (it never runs and rejects with
   * `CancelledError`), also when it already waits in a busy worker. Returns whether
   * the future is cancelled; `false` once the call started or finished.
   */
  cancel(): boolean {
    // cancelled already (by this method or by `shutdown({ cancelFutures: true })`): true, as Python
    if (this.cancelled()) return true;
    const s = this.#call.state;
    if ((s !== CallState.Queued && s !== CallState.Sent) || this.#call.settled) return false;
    this.#cancelled = this.#engine.cancellation.cancel(
      this.#call,
      new CancelledError('The future was cancelled'),
    );
    return this.#cancelled;
  }

  /** Whether `cancel()` succeeded. */
  cancelled(): boolean {
    return this.#cancelled || this.#call.cancelled;
  }

  /**
   * Whether the call has started in a worker and has not finished (a call waiting
   * behind a busy worker is not running yet, and can still be cancelled).
   */
  running(): boolean {
    return !this.#call.settled && this.#call.state === CallState.Running;
  }

  /** Whether the future finished (result, error or cancelled). */
  done(): boolean {
    return this.#call.settled;
  }

  /**
   * The result; rejects with the task's error, `CancelledError`, or `TimeoutError`
   * when `timeout` passes first (the call keeps running).
   */
  result(options?: FutureWaitOptions): Promise<R> {
    return this.#waitFor(this.#promise, options);
  }

  /**
   * Waits for `promise` (the call's outcome) within the options' `timeout` and
   * `signal`: a timeout rejects with `TimeoutError`, an abort with `signal.reason`
   * (the call keeps running either way); bad options reject with their error.
   */
  #waitFor<T>(promise: Promise<T>, options: FutureWaitOptions | undefined): Promise<T> {
    try {
      const o = validateOptions<FutureWaitOptions>('options', options);
      const timeout = validateTimeout('timeout', o.timeout);
      const signal = validateSignal('signal', o.signal);
      if (timeout === undefined && signal === undefined) return promise;
      return new Promise<T>((resolve, reject) => {
        const timer =
          timeout === undefined || timeout === Number.POSITIVE_INFINITY
            ? undefined
            : setTimer(() => {
                cleanup();
                reject(new TimeoutError(`The future did not finish within ${timeout} ms`));
              }, timeout);
        const onAbort = () => {
          cleanup();
          reject(signal?.reason);
        };
        const cleanup = () => {
          if (timer !== undefined) clearTimer(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        promise.then(
          (value) => {
            cleanup();
            resolve(value);
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
   * The error the call failed with (a `TimeoutError` too, when the call's own
   * `timeout` passed), or `undefined` when it succeeded. Rejects with
   * `CancelledError` for a cancelled future, with `TimeoutError` when this wait's
   * `timeout` passes first, with `signal.reason` when its `signal` aborts, and with
   * the error of an invalid option: those say nothing of the call's outcome.
   */
  exception(options?: FutureWaitOptions): Promise<unknown> {
    const outcome = this.#promise.then(
      () => ({ failed: false, error: undefined as unknown }),
      (error: unknown) => ({ failed: true, error }),
    );
    return this.#waitFor(outcome, options).then(({ failed, error }) => {
      if (failed && this.cancelled()) throw error;
      return failed ? error : undefined;
    });
  }

  /**
   * Calls `fn(future)` when the future is done (at once, in a microtask, if it is).
   * A callback that throws is logged to stderr and ignored, as in Python.
   */
  addDoneCallback(fn: (future: Future<R>) => void): void {
    if (typeof fn !== 'function') throw new TypeError('Expected `fn` to be a function');
    if (this.#call.settled && this.#callbacks === undefined) {
      queueMicrotask(() => this.#invoke(fn));
      return;
    }
    this.#callbacks ??= [];
    this.#callbacks.push(fn);
  }

  #runCallbacks(): void {
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const fn of callbacks) this.#invoke(fn);
  }

  #invoke(fn: (future: Future<R>) => void): void {
    try {
      fn(this);
    } catch (error) {
      // as Python's Future: an exception from a done callback is logged (stderr) and
      // ignored; the other callbacks still run and the program goes on
      console.error('Exception calling a done callback of a Future:', error);
    }
  }

  get [Symbol.toStringTag](): string {
    return 'Future';
  }
}
