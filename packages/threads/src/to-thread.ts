import type { CallerArgs, Task } from '@par/core';
import { ThreadPool } from './thread-pool.js';

let defaultPool: ThreadPool | undefined;

/**
 * Runs `task(...args)` on a lazily created, process-wide default `ThreadPool`
 * (Python's `asyncio.to_thread`); in a browser, a pool of module Web Workers.
 * Its idle workers never keep the program alive.
 *
 * @example
 * ```ts
 * const digest = await toThread(t.sha256, bigBuffer);
 * ```
 */
export function toThread<A extends unknown[], R>(task: Task<A, R>, ...args: A): Promise<Awaited<R>>;
/** A `Queue` is accepted where the task declares a `QueueHandle`, as with `pool.run`. */
export function toThread<A extends unknown[], R>(
  task: Task<A, R>,
  ...args: CallerArgs<A>
): Promise<Awaited<R>>;
export function toThread<A extends unknown[], R>(
  task: Task<A, R>,
  ...args: CallerArgs<A>
): Promise<Awaited<R>> {
  defaultPool ??= new ThreadPool();
  return defaultPool.run(task, ...args);
}
