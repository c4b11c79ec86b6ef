// The backend interface: what Parallel needs from whatever runs the calls. The
// built-in backends ('threads', 'processes', 'async', 'sequential') are
// registered through the same `registerBackend` users call.

import { optionMessage } from '@par/async/internal';
import { asyncBackend, sequentialBackend } from './local-backends.js';
import { processesBackend, threadsBackend } from './pool-backend.js';

/** What a backend factory receives: the resolved `nJobs` plus the options `Parallel` does not know. */
export interface BackendOptions {
  /** Calls that run at once, already resolved (never negative, never 0). */
  nJobs: number;
  [option: string]: unknown;
}

/**
 * One delayed call, `delayed(fn)(...args)`: plain data until a backend runs it.
 * `fn` is a task reference (`tasks(url).name`), a self-contained function, or —
 * for backends that run in the calling thread — any function.
 */
export interface DelayedCall<A extends unknown[] = unknown[], R = unknown> {
  readonly fn: unknown;
  readonly args: A;
  /** Phantom member carrying the result type; never present at run time. */
  readonly __result?: R;
}

/**
 * A backend runs batches of delayed calls. `Parallel` decides the batches (size,
 * read-ahead, order of results); the backend only runs each batch and reports.
 */
export interface ParallelBackend {
  readonly name: string;
  /** How many calls run at once. */
  readonly nJobs: number;
  /**
   * Runs one batch of calls and resolves with their results in the same order;
   * rejects with the first failure. `signal` aborts when the run is cancelled
   * (first failure elsewhere, the caller's `signal`, an early `break`);
   * `timeout` is the per-call running-time limit in milliseconds.
   */
  runBatch(
    batch: readonly DelayedCall[],
    options: { signal: AbortSignal; timeout?: number },
  ): Promise<unknown[]>;
  /** Waits for running work and releases workers. */
  close(): Promise<void>;
  /** Stops at once, rejecting running work. */
  terminate(): Promise<void>;
  /**
   * When `true`, a one-shot `Parallel(opts)(...)` keeps this backend in a
   * process-wide cache keyed by backend name, `nJobs` and options, and reuses it
   * (as loky reuses its executor) instead of closing it after the run. Such a
   * backend must never keep the program alive while idle.
   * @default false
   */
  readonly reusable?: boolean;
  /**
   * Whether the calls share the caller's memory (`require: 'sharedmem'` accepts
   * only such backends).
   * @default false
   */
  readonly sharedMemory?: boolean;
}

/** Builds a backend from the resolved `nJobs` and the backend options. */
export type BackendFactory = (options: BackendOptions) => ParallelBackend;

const registry = new Map<string, BackendFactory>();
let builtinsRegistered = false;

/** The built-in backends go through `registerBackend` like any other (once, lazily). */
function registerBuiltins(): void {
  if (builtinsRegistered) return;
  builtinsRegistered = true;
  registerBackend('threads', threadsBackend);
  registerBackend('processes', processesBackend);
  registerBackend('async', asyncBackend);
  registerBackend('sequential', sequentialBackend);
}

/**
 * Registers a backend under `name`, usable as `Parallel({ backend: name })` and in
 * `parallelConfig`. Registering an existing name replaces it (also a built-in one).
 *
 * @example
 * ```ts
 * registerBackend('inline', ({ nJobs }) => ({
 *   name: 'inline',
 *   nJobs,
 *   async runBatch(batch) {
 *     return Promise.all(batch.map((c) => (c.fn as (...a: unknown[]) => unknown)(...c.args)));
 *   },
 *   async close() {},
 *   async terminate() {},
 * }));
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(optionMessage('name', 'a non-empty string', name));
  }
  if (typeof factory !== 'function') {
    throw new TypeError(optionMessage('factory', 'a function', factory));
  }
  registerBuiltins();
  registry.set(name, factory);
}

/** @internal The factory registered under `name`, if any. */
export function backendFactory(name: string): BackendFactory | undefined {
  registerBuiltins();
  return registry.get(name);
}

/** @internal Names of the registered backends, for error messages. */
export function backendNames(): string[] {
  registerBuiltins();
  return [...registry.keys()];
}
