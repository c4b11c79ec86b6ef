import { Executor } from '@par/core';
import { ProcessPool, type ProcessPoolOptions } from './process-pool.js';

/**
 * `concurrent.futures.ProcessPoolExecutor` over a {@link ProcessPool}:
 * `submit()` returns a `Future` (awaitable; `cancel()`, `cancelled()`,
 * `running()`, `done()`, `result()`), `map()` yields results in input order,
 * `shutdown({ wait, cancelFutures })` stops it, and `await using` calls
 * `shutdown({ wait: true })` as Python's `with` does. Takes the same options
 * as `ProcessPool`.
 *
 * @example
 * ```ts
 * const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const future = executor.submit(t.square, 4);
 * console.log(await future); // 16
 * await executor.shutdown();
 * ```
 */
export class ProcessPoolExecutor extends Executor {
  /**
   * @param options the pool's options, or just `maxWorkers` as a number (Python's
   * `ProcessPoolExecutor(4)`)
   */
  constructor(options?: ProcessPoolOptions | number) {
    super(new ProcessPool(options));
  }
}
