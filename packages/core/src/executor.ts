import { CancelledError } from '@par/async';
import { isAsyncIterable, isIterable, validateOptions } from '@par/async/internal';
import type { Call } from './call.js';
import type { CallerArgs } from './caller-args.js';
import { describeValue } from './describe-value.js';
import { engineOf } from './engine/access.js';
import { createFuture, type Future } from './future.js';
import { mapIter } from './map.js';
import type { Pool } from './pool.js';
import type { PoolStats } from './pool-options.js';
import { TaskFlag } from './protocol.js';
import type { Task } from './task-ref.js';

/** Options of `Executor#shutdown`. */
export interface ShutdownOptions {
  /**
   * Wait until running and queued calls are done and the workers exited.
   * @default true
   */
  wait?: boolean;
  /**
   * Cancel the calls still queued (their futures reject with `CancelledError`).
   * @default false
   */
  cancelFutures?: boolean;
}

/**
 * Python's `zip(*iterables)`: rows until the shortest input ends — none without any
 * input (`executor.map(fn)` yields nothing, as in Python). An input that is not
 * iterable is a TypeError naming its position.
 */
function zip(iterables: (Iterable<unknown> | AsyncIterable<unknown>)[]): AsyncIterable<unknown[]> {
  return {
    async *[Symbol.asyncIterator]() {
      iterables.forEach((it, i) => {
        if (!isAsyncIterable(it) && !isIterable(it)) {
          throw new TypeError(
            `Expected iterable ${i + 1} of \`map\` to be an iterable or async iterable, got ${describeValue(it)}`,
          );
        }
      });
      if (iterables.length === 0) return;
      const iterators = iterables.map((it) =>
        isAsyncIterable(it) ? it[Symbol.asyncIterator]() : it[Symbol.iterator](),
      );
      try {
        for (;;) {
          const row: unknown[] = [];
          for (const it of iterators) {
            const r = await it.next();
            if (r.done) return;
            row.push(r.value);
          }
          yield row;
        }
      } finally {
        // close every input, also the ones that did not run out
        for (const it of iterators) await it.return?.();
      }
    },
  };
}

/**
 * Python's `concurrent.futures` vocabulary over a pool: `submit` returns a
 * {@link Future}, `map` streams results in input order, `shutdown` ends it.
 *
 * @example
 * ```ts
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const futures = [1, 2, 3].map((n) => executor.submit(t.square, n));
 * for await (const value of asCompleted(futures)) console.log(value);
 * ```
 */
export class Executor {
  readonly #pool: Pool;
  #shutdown: Promise<void> | undefined;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** The pool doing the work. */
  protected get pool(): Pool {
    return this.#pool;
  }

  /**
   * Schedules `task(...args)` and returns its {@link Future}. Never throws: after
   * `shutdown()` the future rejects with `PoolClosedError`.
   *
   * @example
   * ```ts
   * const future = executor.submit(t.square, 3);
   * await future; // 9
   * ```
   */
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: A): Future<Awaited<R>>;
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: CallerArgs<A>): Future<Awaited<R>>;
  submit<A extends unknown[], R>(task: Task<A, R>, ...args: unknown[]): Future<Awaited<R>> {
    const engine = engineOf(this.#pool);
    let call: Call;
    try {
      // a future can be cancelled until its call starts
      call = engine.submit(task, args, TaskFlag.Cancellable, undefined);
    } catch (error) {
      call = engine.failedCall(error);
    }
    return createFuture<Awaited<R>>(engine, call);
  }

  /**
   * `task(a[i], b[i], …)` for the items of the iterables (stopping at the shortest),
   * yielded in input order, each as soon as it and those before it are done: the
   * iterables are read meanwhile (as by `imap`), never before a finished result is
   * handed out. Leaving the loop cancels what has not started.
   *
   * @example
   * ```ts
   * for await (const sum of executor.map(t.add, [1, 2], [10, 20])) console.log(sum); // 11, 22
   * ```
   */
  map<A extends unknown[], R>(
    task: Task<A, R>,
    ...iterables: { [K in keyof A]: Iterable<A[K]> | AsyncIterable<A[K]> }
  ): AsyncIterableIterator<Awaited<R>> {
    return mapIter(
      engineOf(this.#pool),
      'istarmap',
      task,
      zip(iterables as never),
      undefined,
    ) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Stops taking work. With `cancelFutures`, queued calls are cancelled; with
   * `wait` (the default) resolves once everything finished and the workers exited.
   *
   * @example
   * ```ts
   * await executor.shutdown({ cancelFutures: true });
   * ```
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    try {
      const o = validateOptions<ShutdownOptions>('options', options, ['wait', 'cancelFutures']);
      if (o.cancelFutures) {
        engineOf(this.#pool).cancellation.cancelNotStarted(
          new CancelledError('The executor shut down'),
        );
      }
      this.#shutdown ??= this.#pool.close();
      return o.wait === false ? Promise.resolve() : this.#shutdown;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `await using executor = …` shuts it down and waits, like Python's `with`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** The pool's statistics. */
  stats(): PoolStats {
    return this.#pool.stats();
  }
}
