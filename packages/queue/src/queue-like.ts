import type { WaitOptions } from '@par/async';

/**
 * What `consume()` and the `for await` iterator need from a queue: an async
 * `get` that rejects with `QueueShutDown` once the queue is shut down and
 * drained, and `taskDone`. Every queue in this package satisfies it, and so can
 * a handle that forwards these calls to a queue owned by another thread or
 * process.
 *
 * @example
 * ```ts
 * // a queue-like source that ends after three items
 * let n = 0;
 * const source: ConsumableQueue<number> = {
 *   get: async () => {
 *     if (n === 3) throw new QueueShutDown();
 *     return n++;
 *   },
 * };
 * await consume(source, (item) => console.log(item));
 * ```
 */
export interface ConsumableQueue<T> {
  get(options?: WaitOptions): Promise<T>;
  /** Called once per item taken, after it was handled; optional (a `SimpleQueue` has none). */
  taskDone?(): unknown;
}
