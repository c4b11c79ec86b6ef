// parallelConfig: scoped defaults for every Parallel created inside `fn`, kept in
// an AsyncLocalStorage (joblib keeps them thread-local). Explicit options win.

import { optionMessage } from '@par/async/internal';
import type { ParallelConfigOptions } from './options.js';

interface Store<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

type AlsModule = { AsyncLocalStorage: new <T>() => Store<T> };

/** A stack-based store for runtimes without AsyncLocalStorage (browsers): sync scopes only. */
class StackStore<T> implements Store<T> {
  #current: T | undefined;
  getStore(): T | undefined {
    return this.#current;
  }
  run<R>(store: T, fn: () => R): R {
    const previous = this.#current;
    this.#current = store;
    try {
      return fn();
    } finally {
      this.#current = previous;
    }
  }
}

function createStore<T>(): Store<T> {
  const als = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:async_hooks') as AlsModule | undefined;
  return als ? new als.AsyncLocalStorage<T>() : new StackStore<T>();
}

const store = createStore<Readonly<ParallelConfigOptions>>();

/** @internal The options set by the enclosing `parallelConfig` calls (merged). */
export function currentConfig(): Readonly<ParallelConfigOptions> {
  return store.getStore() ?? {};
}

/**
 * Runs `fn` with `options` as the defaults of every `Parallel` (and
 * `effectiveNJobs(null)`) created inside it, including in its async
 * continuations; nested calls merge over the outer ones and options given to
 * `Parallel` itself win. Backend options (`initializer`, `maxTasksPerWorker`,
 * …) pass through to the pool. Returns what `fn` returns.
 *
 * In browsers (no AsyncLocalStorage) the scope covers only the synchronous part of `fn`.
 *
 * @example
 * ```ts
 * await parallelConfig({ backend: 'processes', nJobs: 4 }, async () => {
 *   await Parallel()(inputs.map((x) => delayed(t.heavy)(x))); // 4 processes
 * });
 * ```
 */
export function parallelConfig<R>(options: ParallelConfigOptions, fn: () => R): R {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(optionMessage('options', 'an options object', options));
  }
  if (typeof fn !== 'function') throw new TypeError(optionMessage('fn', 'a function', fn));
  for (const key of ['signal', 'returnAs', 'onProgress', 'onBatchSize'] as const) {
    if (key in options) {
      throw new RangeError(
        `\`${key}\` belongs to one Parallel call and cannot be set by parallelConfig`,
      );
    }
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as ParallelConfigOptions;
  return store.run({ ...currentConfig(), ...defined }, fn);
}
