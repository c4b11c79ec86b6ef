import { Executor, MultiprocessingPool, type PoolOptions } from '@par/core';
import { createTransport } from '#transport';
import { registerSharedHandlers } from './shared/handlers.js';

/** Options of {@link ThreadPool} and {@link ThreadPoolExecutor}. */
export interface ThreadPoolOptions extends PoolOptions {}

/**
 * A pool of worker threads (Python's `multiprocessing.Pool` vocabulary, on
 * threads that really run in parallel). Workers start lazily up to `maxWorkers`,
 * idle ones never keep the program alive, and every call settles exactly once.
 *
 * In Node the workers are worker_threads; in a browser bundle they are module
 * Web Workers, with the same task references, inline functions, `map`/`imap`,
 * `transfer()` and shared-memory primitives (which need a cross-origin-isolated
 * page). There the Node-only options (`env`, `execArgv`, `resourceLimits`) are
 * accepted and ignored.
 *
 * @example
 * ```ts
 * import { ThreadPool, tasks } from '@par/threads';
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * await using pool = new ThreadPool({ maxWorkers: 4 });
 * await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]
 * ```
 */
export class ThreadPool extends MultiprocessingPool {
  /**
   * @param options the pool's options, or just `maxWorkers` as a number
   * (Python's `Pool(4)`: `new ThreadPool(4)` is `new ThreadPool({ maxWorkers: 4 })`)
   */
  constructor(options?: ThreadPoolOptions | number) {
    registerSharedHandlers();
    super(createTransport(), options);
  }
}

/**
 * `concurrent.futures.ThreadPoolExecutor` over a {@link ThreadPool}: `submit`
 * returns a `Future`, `map` streams results in order, `shutdown` ends it.
 *
 * @example
 * ```ts
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * const future = executor.submit(t.square, 3);
 * await future; // 9
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  /**
   * @param options the pool's options, or just `maxWorkers` as a number
   * (Python's `Pool(4)`: `new ThreadPool(4)` is `new ThreadPool({ maxWorkers: 4 })`)
   */
  constructor(options?: ThreadPoolOptions | number) {
    super(new ThreadPool(options));
  }
}
