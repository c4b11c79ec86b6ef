// The 'threads' and 'processes' backends: each call of a batch is one `run` on a
// @par pool (ThreadPool / ProcessPool). The engine batches messages to busy
// workers by itself; a failed or cancelled call is aborted through the engine,
// which replaces a worker whose task does not stop within the grace period.

import { NotCloneableError, type Pool } from '@par/core';
import { ThreadPool } from '@par/threads';
import type { BackendOptions, DelayedCall, ParallelBackend } from './backend.js';
import { nestedEnv } from './nesting.js';
import { failedIndexOf, markFailedIndex, markUncloneableArgument, settleBatch } from './settle.js';
import { childSignal } from './signal-fanout.js';

type PoolMaker = (options: Record<string, unknown>) => Pool | Promise<Pool>;

class PoolBackend implements ParallelBackend {
  readonly name: string;
  readonly nJobs: number;
  readonly reusable = true;
  readonly sharedMemory: boolean;
  #pool: Pool | Promise<Pool>;
  #resolved: Pool | undefined;

  constructor(name: string, make: PoolMaker, options: BackendOptions, sharedMemory: boolean) {
    this.name = name;
    this.sharedMemory = sharedMemory;
    const { nJobs, env, ...rest } = options;
    this.nJobs = nJobs;
    const workerEnv = nestedEnv(env as Record<string, string | undefined> | undefined);
    const poolOptions: Record<string, unknown> = { ...rest, maxWorkers: nJobs };
    if (workerEnv !== undefined) poolOptions.env = workerEnv;
    const pool = make(poolOptions);
    this.#pool = pool;
    if (!(pool instanceof Promise)) this.#resolved = pool;
    else {
      pool.then(
        (p) => {
          this.#resolved = p;
        },
        () => {},
      );
    }
  }

  /**
   * Consecutive calls of the same function travel as one `starmap` chunk (one
   * message, one loop in the worker), which is what makes tiny calls cheap; a
   * batch mixing functions sends one chunk per run of equal functions.
   */
  async runBatch(
    batch: readonly DelayedCall[],
    options: { signal: AbortSignal; timeout?: number },
  ): Promise<unknown[]> {
    const pool = this.#resolved ?? (await this.#pool);
    const { signal, release } = childSignal(options.signal);
    const mapOptions: { chunkSize: number; signal: AbortSignal; timeout?: number } = {
      chunkSize: batch.length,
      signal,
    };
    const chunks: Promise<unknown[]>[] = [];
    const starts: number[] = [];
    for (let i = 0; i < batch.length; ) {
      const fn = (batch[i] as DelayedCall).fn;
      let j = i + 1;
      while (j < batch.length && (batch[j] as DelayedCall).fn === fn) j++;
      const rows: unknown[][] = [];
      let single = true;
      for (let k = i; k < j; k++) {
        const args = (batch[k] as DelayedCall).args as unknown[];
        if (args.length !== 1) single = false;
        rows.push(args);
      }
      const chunkOptions = { ...mapOptions, chunkSize: rows.length };
      if (options.timeout !== undefined) {
        // the limit is per call: each call is its own chunk, with its own running time
        chunkOptions.chunkSize = 1;
        chunkOptions.timeout = options.timeout;
      }
      chunks.push(
        single
          ? // one argument each: `map`, whose all-number chunks travel as one Float64Array
            pool.map(
              fn as never,
              rows.map((r) => r[0]),
              chunkOptions,
            )
          : pool.starmap(fn as never, rows as never, chunkOptions),
      );
      starts.push(i);
      i = j;
    }
    try {
      if (chunks.length === 1) return await (chunks[0] as Promise<unknown[]>);
      const parts = await settleBatch(chunks);
      return (parts as unknown[][]).flat();
    } catch (error) {
      // a chunk of one call: that call failed (a longer chunk does not say which)
      const chunk = failedIndexOf(error) ?? 0;
      const start = starts[chunk] ?? 0;
      const end = starts[chunk + 1] ?? batch.length;
      // the chunk travels as one argument array: find the call and its argument
      // that could not be sent
      const found = error instanceof NotCloneableError ? uncloneable(batch, start, end) : undefined;
      if (found !== undefined) {
        markFailedIndex(error, found.call);
        markUncloneableArgument(error, found.argument, found.reason);
      } else if (end - start === 1) markFailedIndex(error, start);
      else markFailedIndex(error, -1);
      throw error;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await (await this.#pool).close();
  }

  async terminate(): Promise<void> {
    await (await this.#pool).terminate();
  }
}

/** The first argument of calls [start, end) of `batch` that structured clone refuses. */
function uncloneable(
  batch: readonly DelayedCall[],
  start: number,
  end: number,
): { call: number; argument: number; reason: string } | undefined {
  for (let call = start; call < end; call++) {
    const args = (batch[call] as DelayedCall).args;
    for (let argument = 0; argument < args.length; argument++) {
      try {
        structuredClone(args[argument]);
      } catch (error) {
        return { call, argument, reason: error instanceof Error ? error.message : String(error) };
      }
    }
  }
  return undefined;
}

/** The 'threads' backend: a `ThreadPool` of `nJobs` workers (Web Workers in browsers). */
export function threadsBackend(options: BackendOptions): ParallelBackend {
  return new PoolBackend('threads', (o) => new ThreadPool(o), options, true);
}

/** The 'processes' backend: a `ProcessPool` of `nJobs` child processes (Node only). */
export function processesBackend(options: BackendOptions): ParallelBackend {
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string';
  if (!isNode) {
    throw new RangeError(
      "The 'processes' backend needs Node.js (child processes); use 'threads' in browsers",
    );
  }
  return new PoolBackend(
    'processes',
    async (o) => {
      // a runtime specifier: browser bundles never pull the Node-only package in
      const id = '@par/processes';
      const { ProcessPool } = (await import(
        /* @vite-ignore */ id
      )) as typeof import('@par/processes');
      return new ProcessPool(o);
    },
    options,
    false,
  );
}
