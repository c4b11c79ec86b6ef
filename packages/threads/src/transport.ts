// What `#transport` resolves to in Node (package.json `imports`, the `default`
// condition): pool workers are worker_threads. A browser bundle gets
// ./browser/transport.ts instead, so it never reaches node:worker_threads.
import type { Transport } from '@par/core';
import { ThreadTransport } from './thread-transport.js';

/** The transport `ThreadPool`, `Thread` and `toThread` start their workers on. */
export function createTransport(): Transport {
  return new ThreadTransport();
}
