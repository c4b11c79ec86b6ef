import type { Readable } from 'node:stream';
import { ParError } from '@par/async';
import {
  optionMessage,
  validateFunction,
  validateInteger,
  validateOneOf,
  validateOptions,
} from '@par/async/internal';
import { type MapOptions, Pool, type PoolOptions, type RunOptions, type Task } from '@par/core';
import type { StdioOption } from './process.js';
import { ProcessTransport } from './process-transport.js';
import { installProcessTransferHandlers } from './transfer-handlers.js';

/**
 * Options of {@link ProcessPool} and `ProcessPoolExecutor`: the engine's pool
 * options (as for `ThreadPool`) plus what only processes have.
 */
export interface ProcessPoolOptions extends PoolOptions {
  /**
   * A child exits after exactly this many tasks and a fresh one takes its place
   * (Python's `maxtasksperchild`); a `map` chunk counts as one task.
   * Same as `maxTasksPerWorker`.
   * @default Infinity
   * @example new ProcessPool({ maxTasksPerChild: 100 })
   */
  maxTasksPerChild?: number;
  /**
   * The V8 heap limit of each child in MB (`--max-old-space-size`). A task that
   * needs more rejects with `WorkerCrashedError` and the child is replaced.
   * @default Node's default
   * @example new ProcessPool({ maxOldSpaceSize: 256 })
   */
  maxOldSpaceSize?: number;
  /**
   * The children's working directory.
   * @default process.cwd()
   * @example new ProcessPool({ cwd: new URL('./data/', import.meta.url) })
   */
  cwd?: string | URL;
  /**
   * The children's stdout and stderr: `'inherit'` writes to the parent's,
   * `'pipe'` merges them into `pool.stdout` / `pool.stderr` (read them, or the
   * children block once the pipes are full), `'ignore'` drops them.
   * @default 'inherit'
   * @example new ProcessPool({ stdio: 'pipe' })
   */
  stdio?: StdioOption;
}

/** Options of {@link ProcessPool.applyAsync}. */
export interface ApplyAsyncOptions<R> extends RunOptions {
  /** Called with the result (Python's `callback`). */
  callback?: (result: R) => void;
  /** Called with the error (Python's `error_callback`). */
  errorCallback?: (error: unknown) => void;
}

/** Options of {@link ProcessPool.mapAsync} / {@link ProcessPool.starmapAsync}. */
export interface MapAsyncOptions<R> extends MapOptions {
  /** Called with the whole result list (Python's `callback`). */
  callback?: (results: R[]) => void;
  /** Called with the error (Python's `error_callback`). */
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

const transportKeys = ['maxTasksPerChild', 'maxOldSpaceSize', 'cwd', 'stdio'];

function prepare(options: unknown): [ProcessTransport, PoolOptions] {
  // Python's Pool(4) / ProcessPoolExecutor(4): a number is the worker count
  const o =
    typeof options === 'number'
      ? { maxWorkers: options }
      : validateOptions<ProcessPoolOptions>('options', options);
  const { maxTasksPerChild, maxOldSpaceSize, cwd, stdio, ...engine } = o;
  if (maxTasksPerChild !== undefined) {
    validateInteger('maxTasksPerChild', maxTasksPerChild, { min: 1, allowInfinity: true });
    if (engine.maxTasksPerWorker !== undefined && engine.maxTasksPerWorker !== maxTasksPerChild) {
      throw new RangeError(
        optionMessage(
          'maxTasksPerChild',
          `the same as \`maxTasksPerWorker\` (${engine.maxTasksPerWorker}) when both are given`,
          maxTasksPerChild,
        ),
      );
    }
    engine.maxTasksPerWorker = maxTasksPerChild;
  }
  if (maxOldSpaceSize !== undefined)
    validateInteger('maxOldSpaceSize', maxOldSpaceSize, { min: 1 });
  if (cwd !== undefined && typeof cwd !== 'string' && !(cwd instanceof URL))
    throw new TypeError(optionMessage('cwd', 'a string or a file URL', cwd));
  if (stdio !== undefined) validateOneOf('stdio', stdio, ['inherit', 'pipe', 'ignore']);
  installProcessTransferHandlers();
  return [new ProcessTransport({ cwd, stdio, maxOldSpaceSize }), engine];
}

/**
 * A pool of child processes (Python's `multiprocessing.Pool`) on the same engine
 * as `ThreadPool`: `run`, `map`, `imap`, `imapUnordered`, `starmap`, `close`,
 * `terminate`, `stats`, plus Python's `apply` / `applyAsync` / `join`. Tasks are
 * references from `tasks(new URL(...))` or self-contained functions.
 *
 * Where Python's Pool hangs when a worker dies, a call running in a child that
 * crashes, is killed or runs out of memory rejects with `WorkerCrashedError`
 * (exit code and signal), and the pool carries on with a new child.
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const pool = new ProcessPool({ maxWorkers: 4 });
 * try {
 *   console.log(await pool.map(t.square, [1, 2, 3])); // [1, 4, 9]
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class ProcessPool extends Pool {
  readonly #transport: ProcessTransport;
  #stopping: Promise<void> | undefined;

  /**
   * @param options the pool's options, or just `maxWorkers` as a number (Python's `Pool(4)`)
   */
  constructor(options?: ProcessPoolOptions | number) {
    const [transport, engine] = prepare(options);
    super(transport, engine, transportKeys);
    this.#transport = transport;
  }

  /**
   * The children's merged stdout with `stdio: 'pipe'`, else `null`. It ends after
   * the pool was closed or terminated and every child's output was read.
   */
  get stdout(): Readable | null {
    return this.#transport.stdout;
  }

  /** The children's merged stderr with `stdio: 'pipe'`, else `null`. */
  get stderr(): Readable | null {
    return this.#transport.stderr;
  }

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
  ): Promise<Awaited<R>> {
    try {
      const { callback, errorCallback, ...run } = validateOptions<ApplyAsyncOptions<Awaited<R>>>(
        'options',
        options,
      );
      validateFunction('callback', callback);
      validateFunction('errorCallback', errorCallback);
      return withCallbacks(this.apply(task, args, run), callback, errorCallback);
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
    return this.#withCallbacks(options, (map) => this.map(task, iterable, map));
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
    return this.#withCallbacks(options, (map) => this.starmap(task, iterable, map));
  }

  /** Validates `mapAsync` / `starmapAsync` options and wires their callbacks around `run`. */
  #withCallbacks<R>(
    options: MapAsyncOptions<R> | undefined,
    run: (map: Omit<MapAsyncOptions<R>, 'callback' | 'errorCallback'>) => Promise<R[]>,
  ): Promise<R[]> {
    try {
      const { callback, errorCallback, ...map } = validateOptions<MapAsyncOptions<R>>(
        'options',
        options,
      );
      validateFunction('callback', callback);
      validateFunction('errorCallback', errorCallback);
      return withCallbacks(run(map), callback, errorCallback);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override close(): Promise<void> {
    this.#stopping = super.close().finally(() => this.#transport.finish());
    return this.#stopping;
  }

  override terminate(): Promise<void> {
    this.#stopping = super.terminate().finally(() => this.#transport.finish());
    return this.#stopping;
  }

  /**
   * Python's `join()`: waits until every child has exited after `close()` or
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
