import { Pool, type PoolOptions } from '@par/core';
import { registerSharedHandlers } from '../shared/handlers.js';
import { WebWorkerTransport } from './web-transport.js';

// Written literally so that bundlers (Vite, webpack, Rollup, esbuild with
// plugins) recognise the worker entry and bundle it with its imports.
const createWorker = (): Worker =>
  new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

/**
 * `ThreadPool` in a browser: the same pool engine, tasks, `map`, transfer and
 * shared-memory primitives, on module Web Workers. Shared-memory primitives need
 * a cross-origin-isolated page (see the browser guide); everything else works
 * on any page.
 *
 * @example
 * ```ts
 * import { ThreadPool } from '@par/threads';
 * const pool = new ThreadPool({ maxWorkers: navigator.hardwareConcurrency });
 * const squares = await pool.map((n) => n * n, [1, 2, 3]);
 * ```
 */
export class ThreadPool extends Pool {
  constructor(options?: PoolOptions) {
    registerSharedHandlers();
    super(new WebWorkerTransport(createWorker), options);
  }
}
