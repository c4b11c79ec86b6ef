import { Executor, MultiprocessingPool } from '@par/core';
import { registerSharedHandlers } from '../shared/handlers.js';
import type { ThreadPoolOptions } from '../thread-pool.js';
import { WebWorkerTransport } from './web-transport.js';

// Written literally so that bundlers (Vite, webpack 5, Rollup, Parcel) recognise
// the worker entry and bundle it with its imports.
export const createWebWorker = (): Worker =>
  new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

/**
 * `ThreadPool` in a browser: the same pool engine, task references, inline
 * functions, `map`/`imap`, `transfer()` and shared-memory primitives, on module
 * Web Workers. Shared-memory primitives need a cross-origin-isolated page (see
 * the browser guide); everything else works on any page. Node-only options
 * (`env`, `execArgv`, `resourceLimits`) are accepted and ignored.
 *
 * @example
 * ```ts
 * import { ThreadPool } from '@par/threads';
 * const pool = new ThreadPool({ maxWorkers: navigator.hardwareConcurrency });
 * const squares = await pool.map((n) => n * n, [1, 2, 3]);
 * ```
 */
export class ThreadPool extends MultiprocessingPool {
  /**
   * @param options the pool's options, or just `maxWorkers` as a number
   * (Python's `Pool(4)`: `new ThreadPool(4)` is `new ThreadPool({ maxWorkers: 4 })`)
   */
  constructor(options?: ThreadPoolOptions | number) {
    registerSharedHandlers();
    super(new WebWorkerTransport(createWebWorker), options);
  }
}

/**
 * `concurrent.futures.ThreadPoolExecutor` over the browser {@link ThreadPool}.
 *
 * @example
 * ```ts
 * const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * const future = executor.submit((n) => n * n, 3);
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
