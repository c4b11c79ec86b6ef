// What `#transport` resolves to in a browser bundle (package.json `imports`, the
// `browser` condition): pool workers are module Web Workers running ./worker.ts.
import type { Transport } from '@par/core';
import { WebWorkerTransport } from './web-transport.js';

// Written literally so that bundlers (Vite, webpack 5, Rollup, Parcel) recognise
// the worker entry and bundle it with its imports.
const createWebWorker = (): Worker =>
  new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

/** The transport `ThreadPool`, `Thread` and `toThread` start their workers on. */
export function createTransport(): Transport {
  return new WebWorkerTransport(createWebWorker);
}
