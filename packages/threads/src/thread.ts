import type { Transport } from '@par/core';
import { ThreadBase } from './thread-base.js';
import { ThreadTransport } from './thread-transport.js';

export type { JoinOptions, ThreadOptions } from './thread-base.js';

/**
 * Python's `threading.Thread` on a worker thread: `start()` runs the task in a
 * new thread, `join()` resolves to its result.
 *
 * @example
 * ```ts
 * const thread = new Thread(t.square, { args: [4], name: 'squarer' });
 * thread.start();
 * thread.isAlive; // true
 * await thread.join(); // 16
 * ```
 */
export class Thread<A extends unknown[] = unknown[], R = unknown> extends ThreadBase<A, R> {
  protected override createTransport(): Transport {
    return new ThreadTransport();
  }
}
