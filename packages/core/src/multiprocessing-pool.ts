import { ParError } from '@par/async';
import { validateFunction, validateOptions } from '@par/async/internal';
import type { CallerArgs } from './caller-args.js';
import { Pool } from './pool.js';
import type { MapOptions, RunOptions } from './pool-options.js';
import type { Task } from './task-ref.js';

/** Options of {@link MultiprocessingPool.applyAsync}. */
export interface ApplyAsyncOptions<R> extends RunOptions {
  /**
   * Called with the result (Python's `callback`).
   * @default undefined
   */
  callback?: (result: R) => void;
  /**
   * Called with the error (Python's `error_callback`).
   * @default undefined
   */
  errorCallback?: (error: unknown) => void;
}

/** Options of {@link MultiprocessingPool.mapAsync} / {@link MultiprocessingPool.starmapAsync}. */
export interface MapAsyncOptions<R> extends MapOptions {
  /**
   * Called with the whole result list (Python's `callback`).
   * @default undefined
   */
  callback?: (results: R[]) => void;
  /**
   * Called with the error (Python's `error_callback`).
   * @default undefined
   */
  errorCallback?: (error: unknown) => void;
}

/** Hands a call's outcome to Python-style callbacks; with one given, an ignored promise is not unhandled. */
function withCallbacks<T>(
  promise: Promise<T>,
  callback: ((value: T) => void) | undefined,
  errorCallback: ((error: unknown) => void) | undefined,
): Promise<T> {
  if (callback || errorCallback) {
    promise.then(
      (value) => callback?.(value),
      (error: unknown) => errorCallback?.(error),
    );
  }
  return promise;
}

/** Splits and checks the Python-style callbacks off a call's options. */
function splitCallbacks<O extends { callback?: unknown; errorCallback?: unknown }>(
  options: O | undefined,
): [Omit<O, 'callback' | 'errorCallback'>, O['callback'], O['errorCallback']] {
  const { callback, errorCallback, ...rest } = validateOptions<O>('options', options) as O;
  validateFunction('callback', callback);
  validateFunction('errorCallback', errorCallback);
  return [rest, callback, errorCallback];
}

/**
 * The engine's {@link Pool} with all of Python's `multiprocessing.Pool` names:
 * `apply`, `applyAsync`, `mapAsync`, `starmapAsync` and `join`, on top of `run`,
 * `map`, `imap`, `imapUnordered`, `starmap`, `close` and `terminate`.
 * `ThreadPool` and `ProcessPool` both extend it.
 *
 * @example
 * ```ts
 * class MyPool extends MultiprocessingPool {
 *   constructor(options: PoolOptions = {}) { super(new MyTransport(), options); }
 * }
 * const pool = new MyPool();
 * await pool.apply(t.add, [1, 2]); // 3
 * pool.close();
 * await pool.join();
 * ```
 */
export class MultiprocessingPool extends Pool {
  #stopping: Promise<void> | undefined;

  /**
   * Python's `apply(func, args)`: runs one call and resolves to its result.
   * Same as `run(task, ...args)`, with the arguments as one array.
   *
   * @example
   * ```ts
   * await pool.apply(t.add, [1, 2]); // 3
   * ```
   */
  apply<A extends unknown[], R>(
    task: Task<A, R>,
    args?: A,
    options?: RunOptions,
  ): Promise<Awaited<R>>;
  apply<A extends unknown[], R>(
    task: Task<A, R>,
    args: CallerArgs<A>,
    options?: RunOptions,
  ): Promise<Awaited<R>>;
  apply<A extends unknown[], R>(
    task: Task<A, R>,
    args?: A | CallerArgs<A>,
    options?: RunOptions,
  ): Promise<Awaited<R>> {
    return this.run({ ...options, task, args: (args ?? []) as A });
  }

  /**
   * Python's `apply_async(func, args, callback=, error_callback=)`: starts one
   * call and returns its promise. With `callback` / `errorCallback` the outcome
   * is also handed to them (and an ignored promise does not report an
   * unhandled rejection).
   *
   * @example
   * ```ts
   * pool.applyAsync(t.add, [1, 2], { callback: (sum) => console.log(sum) });
   * ```
   */
  applyAsync<A extends unknown[], R>(
    task: Task<A, R>,
    args?: A,
    options?: ApplyAsyncOptions<Awaited<R>>,
  ): Promise<Awaited<R>>;
  applyAsync<A extends unknown[], R>(
    task: Task<A, R>,
    args: CallerArgs<A>,
    options?: ApplyAsyncOptions<Awaited<R>>,
  ): Promise<Awaited<R>>;
  applyAsync<A extends unknown[], R>(
    task: Task<A, R>,
    args?: A | CallerArgs<A>,
    options?: ApplyAsyncOptions<Awaited<R>>,
  ): Promise<Awaited<R>> {
    try {
      const [run, callback, errorCallback] = splitCallbacks(options);
      return withCallbacks(this.apply(task, args as A, run), callback, errorCallback);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Python's `map_async(func, iterable, chunksize, callback=, error_callback=)`:
   * `map()` with callbacks for the whole result list or the error.
   *
   * @example
   * ```ts
   * pool.mapAsync(t.square, [1, 2, 3], { callback: (squares) => console.log(squares) });
   * ```
   */
  mapAsync<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapAsyncOptions<Awaited<R>>,
  ): Promise<Awaited<R>[]> {
    try {
      const [map, callback, errorCallback] = splitCallbacks(options);
      return withCallbacks(this.map(task, iterable, map), callback, errorCallback);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Python's `starmap_async`: `starmap()` with callbacks.
   *
   * @example
   * ```ts
   * pool.starmapAsync(t.add, [[1, 2], [3, 4]], { callback: (sums) => console.log(sums) });
   * ```
   */
  starmapAsync<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: MapAsyncOptions<Awaited<R>>,
  ): Promise<Awaited<R>[]> {
    try {
      const [map, callback, errorCallback] = splitCallbacks(options);
      return withCallbacks(this.starmap(task, iterable, map), callback, errorCallback);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override close(): Promise<void> {
    this.#stopping = this.whenStopped(super.close());
    return this.#stopping;
  }

  override terminate(): Promise<void> {
    this.#stopping = this.whenStopped(super.terminate());
    return this.#stopping;
  }

  /**
   * What `close()` / `terminate()` (and so `join()`) wait for after the engine
   * stopped; a subclass extends it with its own clean-up.
   */
  protected whenStopped(stopping: Promise<void>): Promise<void> {
    return stopping;
  }

  /**
   * Python's `join()`: waits until every worker has exited after `close()` or
   * `terminate()`. Rejects if neither was called ("Pool is still running").
   *
   * @example
   * ```ts
   * pool.close();
   * await pool.join();
   * ```
   */
  join(): Promise<void> {
    if (this.#stopping === undefined) {
      return Promise.reject(
        new ParError(
          'The pool is still running: call close() or terminate() before join()',
          'PAR_INVALID_STATE',
        ),
      );
    }
    return this.#stopping;
  }
}
