// The 'async' and 'sequential' backends: calls run in the calling thread, so any
// function works (closures included). 'async' overlaps up to nJobs calls (for
// I/O-bound async functions); 'sequential' runs one call after another.

import { limit, TimeoutError, timeout as withTimeout } from '@par/async';
import { onAbort } from '@par/async/internal';
import { abortTaskContext, createTaskContext, runInTaskContext } from '@par/core/internal';
import type { BackendOptions, DelayedCall, ParallelBackend } from './backend.js';
import { resolveLocal } from './local-call.js';
import { markFailedIndex, settleBatch } from './settle.js';

function rejectUnknown(name: string, options: BackendOptions): void {
  const unknown = Object.keys(options).filter((k) => k !== 'nJobs');
  if (unknown.length > 0) {
    throw new RangeError(
      `The '${name}' backend takes no backend options, got ${unknown.map((k) => `\`${k}\``).join(', ')}`,
    );
  }
}

/**
 * Runs one call in the calling thread, in a task context of its own: `taskSignal()`
 * inside it aborts when the run stops (another call failed, the caller's `signal`
 * aborted, the results were left early) or the call's `timeout` passed, with that
 * reason, as it does in a pool's worker. The call itself is not interrupted: like a
 * pool's task, it stops when it sees its signal.
 */
async function callLocal(call: DelayedCall, signal: AbortSignal, timeout?: number) {
  signal.throwIfAborted();
  const fn = await resolveLocal(call.fn);
  signal.throwIfAborted();
  const context = createTaskContext();
  // one listener per run signal however many calls run at once (nJobs may pass ten)
  const removeAbort = onAbort(signal, () => abortTaskContext(context, signal.reason));
  try {
    if (timeout === undefined || timeout === Number.POSITIVE_INFINITY) {
      return await runInTaskContext(context, fn, ...call.args);
    }
    return await withTimeout(
      timeout,
      Promise.resolve().then(() => runInTaskContext(context, fn, ...call.args)),
      { signal },
    ).catch((error: unknown) => {
      if (error instanceof TimeoutError) {
        const timedOut = new TimeoutError(`The call timed out after ${timeout} ms`);
        abortTaskContext(context, timedOut);
        throw timedOut;
      }
      throw error;
    });
  } finally {
    removeAbort();
  }
}

class AsyncBackend implements ParallelBackend {
  readonly name = 'async';
  readonly nJobs: number;
  readonly sharedMemory = true;
  readonly #gate: ReturnType<typeof limit>;
  readonly #running = new Set<Promise<unknown>>();

  constructor(options: BackendOptions) {
    rejectUnknown('async', options);
    this.nJobs = options.nJobs;
    this.#gate = limit(options.nJobs);
  }

  runBatch(
    batch: readonly DelayedCall[],
    options: { signal: AbortSignal; timeout?: number },
  ): Promise<unknown[]> {
    const { signal, timeout } = options;
    const promise = settleBatch(
      batch.map((call) => this.#gate(() => callLocal(call, signal, timeout))),
    );
    this.#track(promise);
    return promise;
  }

  #track(promise: Promise<unknown>): void {
    this.#running.add(promise);
    const done = () => this.#running.delete(promise);
    promise.then(done, done);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }

  async terminate(): Promise<void> {
    this.#gate.clearQueue();
  }
}

class SequentialBackend implements ParallelBackend {
  readonly name = 'sequential';
  readonly nJobs = 1;
  readonly sharedMemory = true;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: BackendOptions) {
    rejectUnknown('sequential', options);
  }

  runBatch(
    batch: readonly DelayedCall[],
    options: { signal: AbortSignal; timeout?: number },
  ): Promise<unknown[]> {
    const run = async () => {
      const results: unknown[] = [];
      for (let i = 0; i < batch.length; i++) {
        try {
          results.push(await callLocal(batch[i] as DelayedCall, options.signal));
        } catch (error) {
          markFailedIndex(error, i);
          throw error;
        }
      }
      return results;
    };
    const promise = this.#tail.then(run, run);
    this.#tail = promise.then(
      () => undefined,
      () => undefined,
    );
    return promise;
  }

  async close(): Promise<void> {
    await this.#tail;
  }

  async terminate(): Promise<void> {}
}

/** The 'async' backend: up to `nJobs` calls at once in the calling thread. */
export function asyncBackend(options: BackendOptions): ParallelBackend {
  return new AsyncBackend(options);
}

/** The 'sequential' backend: one call after another in the calling thread (ignores `nJobs`). */
export function sequentialBackend(options: BackendOptions): ParallelBackend {
  return new SequentialBackend(options);
}
