// The public face of the engine: `Pool` validates what callers hand it and
// forwards to its Engine (src/engine/), which it keeps in a private field so that
// none of the engine's internals shows in the published types. map, Executor,
// Future and Thread reach the engine through src/engine/access.ts.

import type { CallerArgs } from './caller-args.js';
import { exposeEngine } from './engine/access.js';
import { Engine } from './engine/engine.js';
import { parseRun } from './engine/intake.js';
import { type MapKind, mapAll, mapIter } from './map.js';
import type { CallDescriptor, IMapOptions, MapOptions, PoolStats } from './pool-options.js';
import type { Task } from './task-ref.js';
import type { Transport } from './transport.js';
import type { ResolvedPoolOptions } from './validate-options.js';

/** The argument types of a task. */
export type TaskArgs<T> = T extends Task<infer A, unknown> ? A : never;
/** The resolved result type of a task. */
export type TaskResult<T> = T extends Task<unknown[], infer R> ? Awaited<R> : never;

/**
 * The pool engine behind `ThreadPool` and `ProcessPool`: give it a
 * {@link Transport} and it schedules calls on workers. Most users want
 * `ThreadPool` (@par/threads) or `ProcessPool` (@par/processes) instead.
 *
 * @example
 * ```ts
 * class MyPool extends Pool {
 *   constructor(options: PoolOptions = {}) { super(new MyTransport(), options); }
 * }
 * ```
 */
export class Pool {
  readonly #engine: Engine;

  static {
    exposeEngine((pool) => pool.#engine);
  }

  constructor(transport: Transport, options?: unknown, transportOptions: readonly string[] = []) {
    this.#engine = new Engine(transport, options, transportOptions);
  }

  /** The validated options (for subclasses). */
  protected get poolOptions(): Readonly<ResolvedPoolOptions> {
    return this.#engine.options;
  }

  /** The most workers this pool runs at once. */
  get maxWorkers(): number {
    return this.#engine.options.maxWorkers;
  }

  /**
   * Runs `task(...args)` in a worker. `task` is a reference from `tasks(url)` or a
   * self-contained function. Never throws: every problem is a rejection.
   * The call-descriptor form `run({ task, args, signal, timeout, transfer })` carries options.
   *
   * @example
   * ```ts
   * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
   * await pool.run(t.square, 3); // 9
   * await pool.run({ task: t.square, args: [3], timeout: 1000 });
   * ```
   */
  run<A extends unknown[], R>(task: Task<A, R>, ...args: A): Promise<Awaited<R>>;
  run<A extends unknown[], R>(task: Task<A, R>, ...args: CallerArgs<A>): Promise<Awaited<R>>;
  run<A extends unknown[], R>(call: CallDescriptor<A, R>): Promise<Awaited<R>>;
  run(first: unknown, ...rest: unknown[]): Promise<unknown> {
    try {
      const { task, args, options } = parseRun(first, rest);
      return this.#engine.submit(task, args, 0, options).promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Applies `task` to every item and resolves to the results in input order. The
   * items travel in chunks (one message and one worker loop per chunk); a chunk
   * counts as one task for `maxTasksPerWorker`. The first failure rejects at once
   * and cancels the chunks not yet started.
   *
   * @example
   * ```ts
   * await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]
   * ```
   */
  map<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll('map', task, iterable, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Like `map`, with every item an argument list: `starmap(t.add, [[1, 2], [3, 4]])`.
   *
   * @example
   * ```ts
   * await pool.starmap(t.add, [[1, 2], [3, 4]]); // [3, 7]
   * ```
   */
  starmap<A extends unknown[], R>(
    task: Task<A, R>,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#mapAll('starmap', task, iterable, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Streams the results in input order while reading the input lazily (bounded
   * read-ahead). Reading and yielding go on side by side, as in Python's `imap`: a
   * finished result is yielded without waiting for the input's next item. An error
   * thrown by the input (or by its async iterator) is thrown after the results of
   * the items before it, as Python raises it at its position. Leaving the loop stops
   * reading the input, cancels pending work and closes the input (`return()`): at
   * once, or, when the loop left a `next()` of an async input pending, as soon as it
   * settles (an async generator's `return()` waits for it; the loop does not).
   *
   * @example
   * ```ts
   * for await (const line of pool.imap(t.parse, readLines(file))) console.log(line);
   * ```
   */
  imap<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: IMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return mapIter(this.#engine, 'imap', task, iterable, options) as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  /**
   * Like `imap`, yielding each result as soon as it is ready. An error thrown by the
   * input comes after the results that were ready before it.
   *
   * @example
   * ```ts
   * for await (const r of pool.imapUnordered(t.fetchPage, urls)) console.log(r);
   * ```
   */
  imapUnordered<T, R>(
    task: Task<[T], R>,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: IMapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    return mapIter(this.#engine, 'imapUnordered', task, iterable, options) as AsyncIterableIterator<
      Awaited<R>
    >;
  }

  #mapAll(
    kind: MapKind,
    task: unknown,
    iterable: unknown,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    try {
      return mapAll(this.#engine, kind, task, iterable, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * No new calls; queued and running calls finish, then the workers exit.
   * Resolves when no worker remains.
   *
   * @example
   * ```ts
   * try { await pool.map(t.square, xs); } finally { await pool.close(); }
   * ```
   */
  close(): Promise<void> {
    return this.#engine.close();
  }

  /**
   * Rejects every queued and running call with `PoolClosedError`, stops the
   * workers, and resolves when none remains.
   *
   * @example
   * ```ts
   * await pool.terminate();
   * ```
   */
  terminate(): Promise<void> {
    return this.#engine.terminate();
  }

  /** `await using pool = new ThreadPool()` closes the pool (queued work finishes). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * A snapshot of the pool.
   *
   * @example
   * ```ts
   * const { workers, queued, runTime } = pool.stats();
   * ```
   */
  stats(): PoolStats {
    return this.#engine.snapshot();
  }
}
