// Parallel: joblib's Parallel, callable without `new` (one-shot, on a
// process-wide reused pool) or as `new Parallel(opts)` (an instance holding its
// own workers until `await using` disposes it).

import { PoolClosedError } from '@par/core';
import type { DelayedCall, ParallelBackend } from './backend.js';
import { ParallelBusyError } from './errors.js';
import {
  type ParallelOptions,
  type ResolvedOptions,
  type ReturnAs,
  resolveOptions,
  timeoutIgnored,
} from './options.js';
import { Run } from './run.js';
import { acquireBackend, createBackend } from './shared-backends.js';

/** The result type of a delayed call. */
export type ResultOf<C> = C extends DelayedCall<unknown[], infer R> ? R : never;

/** What a Parallel call returns for a `returnAs` mode. */
export type ParallelResult<M extends ReturnAs, R> = M extends 'array'
  ? Promise<R[]>
  : AsyncIterableIterator<R>;

/** `Parallel(opts)`: call it with an iterable or async iterable of delayed calls. */
export type ParallelRunner<M extends ReturnAs = 'array'> = <C extends DelayedCall>(
  calls: Iterable<C> | AsyncIterable<C>,
) => ParallelResult<M, ResultOf<C>>;

/** `new Parallel(opts)`: a reusable runner holding its workers, disposed with `await using`. */
export type ParallelInstance<M extends ReturnAs = 'array'> = ParallelRunner<M> &
  AsyncDisposable & {
    /** The backend's name ('threads', 'sequential' for `nJobs: 1`, …). */
    readonly backend: string;
    /** Calls that run at once. */
    readonly nJobs: number;
  };

/** `Parallel`: callable (`Parallel(opts)(calls)`) and constructible (`new Parallel(opts)`). */
export interface ParallelConstructor {
  new (options: ParallelOptions & { returnAs: 'generator' }): ParallelInstance<'generator'>;
  new (
    options: ParallelOptions & { returnAs: 'generator_unordered' },
  ): ParallelInstance<'generator_unordered'>;
  new (options?: ParallelOptions & { returnAs?: 'array' }): ParallelInstance<'array'>;
  new (options?: ParallelOptions): ParallelInstance<ReturnAs>;
  (options: ParallelOptions & { returnAs: 'generator' }): ParallelRunner<'generator'>;
  (
    options: ParallelOptions & { returnAs: 'generator_unordered' },
  ): ParallelRunner<'generator_unordered'>;
  (options?: ParallelOptions & { returnAs?: 'array' }): ParallelRunner<'array'>;
  (options?: ParallelOptions): ParallelRunner<ReturnAs>;
}

function warnTimeoutIgnored(): void {
  const message =
    '`timeout` is ignored when the calls run in a plain loop in the calling thread (nJobs: 1 or the sequential backend), as in joblib';
  const proc = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } })
    .process;
  if (proc?.emitWarning) proc.emitWarning(message, 'ParallelWarning');
  else console.warn(message);
}

interface Prepared {
  backend: ParallelBackend;
  /** Called once when the run ends. */
  end(failed: boolean): void;
  /** Called with the run once it exists. */
  started?(run: Run): void;
}

type Prepare = () => Prepared | { error: unknown };

function startRun(
  resolved: ResolvedOptions,
  prepare: Prepare,
  mode: ReturnAs,
): { run: Run } | { error: unknown } {
  const prepared = prepare();
  if ('error' in prepared) return prepared;
  const run = new Run(resolved, prepared.backend, mode, (failed) => prepared.end(failed));
  prepared.started?.(run);
  return { run };
}

/** The callable both forms return. */
function makeCallable(resolved: ResolvedOptions, prepare: Prepare): (calls: unknown) => unknown {
  return (calls: unknown) => {
    if (resolved.returnAs === 'array') {
      const started = startRun(resolved, prepare, 'array');
      if ('error' in started) return Promise.reject(started.error);
      return started.run.all(calls);
    }
    return generatorOf(resolved, prepare, calls);
  };
}

function generatorOf(
  resolved: ResolvedOptions,
  prepare: Prepare,
  calls: unknown,
): AsyncIterableIterator<unknown> {
  let run: Run | undefined;
  let finished = false;
  const iterator: AsyncIterableIterator<unknown> = {
    next() {
      if (finished) return Promise.resolve({ value: undefined, done: true });
      if (run === undefined) {
        const started = startRun(resolved, prepare, resolved.returnAs);
        if ('error' in started) {
          finished = true;
          return Promise.reject(started.error);
        }
        run = started.run;
        run.begin(calls);
      }
      return run.next();
    },
    return() {
      finished = true;
      if (run === undefined) closeUnstarted(calls);
      else run.cancel();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Leaving the loop before the first `next()` still closes the input, as a started run would. */
function closeUnstarted(calls: unknown): void {
  const c = calls as { return?: () => unknown } | null | undefined;
  if (c !== null && typeof c === 'object' && typeof c.return === 'function') {
    try {
      const r = c.return();
      if (r !== null && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).then(
          () => undefined,
          () => undefined,
        );
      }
    } catch {
      // the input refused to close: it was never read
    }
  }
}

function ParallelImpl(options?: ParallelOptions): unknown {
  const resolved = resolveOptions(options);
  if (timeoutIgnored(options, resolved)) warnTimeoutIgnored();
  if (new.target === undefined) {
    // one-shot: every call independent, on the process-wide reused backend
    return makeCallable(resolved, () => {
      try {
        const { backend, release } = acquireBackend(resolved);
        return { backend, end: release };
      } catch (error) {
        return { error };
      }
    });
  }
  const backend = createBackend(resolved);
  let active: Run | undefined;
  let disposing: Promise<void> | undefined;
  const instance = makeCallable(resolved, () => {
    if (disposing !== undefined) {
      return { error: new PoolClosedError('This Parallel instance was disposed') };
    }
    if (active !== undefined) return { error: new ParallelBusyError() };
    let run: Run | undefined;
    return {
      backend,
      started(r) {
        run = r;
        active = r;
      },
      end() {
        if (active === run) active = undefined;
      },
    };
  });
  Object.defineProperties(instance, {
    backend: { value: backend.name, enumerable: true },
    nJobs: { value: backend.nJobs, enumerable: true },
    [Symbol.asyncDispose]: {
      value: (): Promise<void> => {
        if (disposing !== undefined) return disposing;
        const running = active;
        running?.cancel(new PoolClosedError('This Parallel instance was disposed while running'));
        disposing = running === undefined ? backend.close() : backend.terminate();
        return disposing;
      },
    },
  });
  return instance;
}

/**
 * joblib's `Parallel`. `Parallel(opts)(calls)` runs an iterable or async iterable
 * of `delayed(fn)(...args)` calls and resolves to their results in input order
 * (typed from the functions); `returnAs: 'generator' | 'generator_unordered'`
 * returns an `AsyncIterable` instead. A one-shot call reuses a process-wide idle
 * pool of its backend and size; `new Parallel(opts)` is a reusable instance that
 * keeps its workers between calls (`await using` disposes it). Options are
 * validated here: `nJobs: 0`, an unknown backend or a bad `returnAs` throws a
 * `RangeError` at once.
 *
 * @example
 * ```ts
 * import { Parallel, delayed, tasks } from '@par/joblib-style';
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const results = await Parallel({ nJobs: 4 })(inputs.map((x) => delayed(t.heavyTask)(x)));
 *
 * await using parallel = new Parallel({ nJobs: 2 });
 * const a = await parallel([1, 2].map((x) => delayed(t.square)(x)));
 * const b = await parallel([3, 4].map((x) => delayed(t.square)(x)));
 * ```
 */
export const Parallel = ParallelImpl as unknown as ParallelConstructor;
