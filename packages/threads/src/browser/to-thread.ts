import type { CallerArgs, Task } from '@par/core';
import { ThreadPool } from './thread-pool.js';

let defaultPool: ThreadPool | undefined;

/**
 * Runs `task(...args)` on a lazily created default `ThreadPool` of Web Workers
 * (Python's `asyncio.to_thread`).
 *
 * @example
 * ```ts
 * const sum = await toThread((xs) => xs.reduce((a, b) => a + b, 0), [1, 2, 3]);
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
