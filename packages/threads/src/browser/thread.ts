// The browser build's Thread: the shared ThreadBase logic on the Web Worker transport.
import type { Transport } from '@par/core';
import { ThreadBase } from '../thread-base.js';
import { createWebWorker } from './thread-pool.js';
import { WebWorkerTransport } from './web-transport.js';

/**
 * Python's `threading.Thread` in a browser: `start()` runs the task in a new
 * module Web Worker, `join()` resolves to its result.
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
    return new WebWorkerTransport(createWebWorker);
  }
}
