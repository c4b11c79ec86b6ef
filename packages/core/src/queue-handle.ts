import { ParError } from '@par/async';
import { validateOptions, validateSignal, validateTimeout } from '@par/async/internal';
import { QueueEmpty, QueueFull, QueueShutDown } from '@par/queue';
import { registerErrorClass } from './error-codec.js';
import { Op } from './queue-handle-wire.js';
import { RemoteClient } from './remote-client.js';
import { currentCallId, taskSignal } from './task-signal.js';
import type { ChannelPort } from './transfer-handlers.js';

/** Options of a handle's `put` / `get`, as for a `Queue`. */
export interface QueueHandleWaitOptions {
  /**
   * Milliseconds to wait at most; then `put` rejects with `QueueFull`, `get`
   * with `QueueEmpty` (the owner measures it).
   * @default undefined (no timeout)
   */
  timeout?: number;
  /**
   * Abandons the call: it rejects with `signal.reason`, unless the owner had
   * already completed it (then it resolves, so an item is never lost). The
   * running task's own signal (`taskSignal()`) applies too.
   * @default undefined
   */
  signal?: AbortSignal;
}

/** A value read from the owner: `await handle.size` and `await handle.size()` both work. */
export type AsyncValue<T> = Promise<T> & (() => Promise<T>);

/**
 * What a `Queue` (from @par/queue) passed to a thread or process task becomes in the worker:
 * the same API, every member async, each call forwarded to the queue in the
 * thread or process that owns it. The owner stays authoritative: `maxsize`, ordering,
 * `taskDone()` / `join()` and `shutdown()` hold across threads. Calls reach the
 * owner in the order they were made, and a call made before the task returns is
 * never lost, awaited or not.
 *
 * @example
 * ```ts
 * // tasks.js — runs in a worker; `jobs` was passed as pool.run(tasks.worker, jobs, results)
 * export async function worker(jobs, results) {
 *   for await (const job of jobs) await results.put(job * 2); // taskDone() after each
 * }
 * ```
 */
export class QueueHandle<T = unknown> implements AsyncIterable<T> {
  /** The owner's `maxsize` (0 or Infinity: unbounded). */
  readonly maxsize: number;
  readonly #client: RemoteClient;

  /** @internal Built by the transfer handler. */
  constructor(port: ChannelPort, maxsize: number) {
    registerQueueErrors();
    this.#client = new RemoteClient(port, disconnected);
    this.maxsize = maxsize;
  }

  /** Adds an item, waiting while the owner's queue is full. */
  put(item: T, options?: QueueHandleWaitOptions): Promise<void> {
    return this.#wait(Op.Put, options, item) as Promise<void>;
  }

  /** Takes the next item, waiting while the owner's queue is empty. */
  get(options?: QueueHandleWaitOptions): Promise<T> {
    return this.#wait(Op.Get, options) as Promise<T>;
  }

  /** Adds an item or rejects with `QueueFull` (async: the owner decides). */
  putNowait(item: T): Promise<void> {
    return this.#call(Op.PutNowait, [item]) as Promise<void>;
  }

  /** Takes an item or rejects with `QueueEmpty`. */
  getNowait(): Promise<T> {
    return this.#call(Op.GetNowait, []) as Promise<T>;
  }

  /** Marks one item taken from the queue as processed. */
  taskDone(): Promise<void> {
    return this.#call(Op.TaskDone, []) as Promise<void>;
  }

  /** Resolves when every item put into the owner's queue has been marked done. */
  join(): Promise<void> {
    return this.#call(Op.Join, []) as Promise<void>;
  }

  /** Shuts the owner's queue down (see `Queue#shutdown`). */
  shutdown(options?: { immediate?: boolean }): Promise<void> {
    const immediate = validateOptions<{ immediate?: boolean }>('options', options).immediate;
    return this.#call(Op.Shutdown, [immediate === true]) as Promise<void>;
  }

  /** The number of items in the owner's queue: `await handle.size`. */
  get size(): AsyncValue<number> {
    return this.#value(Op.Size) as AsyncValue<number>;
  }

  /** Whether the owner's queue is shut down: `await handle.isShutDown`. */
  get isShutDown(): AsyncValue<boolean> {
    return this.#value(Op.IsShutDown) as AsyncValue<boolean>;
  }

  /** Whether the owner's queue is empty. */
  empty(): Promise<boolean> {
    return this.#call(Op.Empty, []) as Promise<boolean>;
  }

  /** Whether the owner's queue is full. */
  full(): Promise<boolean> {
    return this.#call(Op.Full, []) as Promise<boolean>;
  }

  /**
   * Yields items until the owner's queue is shut down and drained; each item is
   * marked done when the loop asks for the next one (or leaves), like a Queue's.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    let held = 0;
    let finished = false;
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    const release = (): void => {
      for (; held > 0; held--) void this.taskDone().catch(() => {});
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        release();
        if (finished) return done;
        try {
          const value = await this.get();
          if (finished) void this.taskDone().catch(() => {});
          else held++;
          return { done: false, value };
        } catch (error) {
          if ((error as { code?: unknown })?.code !== 'PAR_QUEUE_SHUT_DOWN') throw error;
          finished = true;
          return done;
        }
      },
      return: async () => {
        finished = true;
        release();
        return done;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  #value(op: number): AsyncValue<unknown> {
    let promise: Promise<unknown> | undefined;
    const read = (): Promise<unknown> => this.#call(op, []);
    const once = (): Promise<unknown> => {
      promise ??= read();
      return promise;
    };
    return Object.assign(read, {
      // biome-ignore lint/suspicious/noThenProperty: this value is meant to be awaited
      then: (onOk?: (v: unknown) => unknown, onErr?: (e: unknown) => unknown) =>
        once().then(onOk, onErr),
      catch: (onErr?: (e: unknown) => unknown) => once().catch(onErr),
      finally: (onFinally?: () => void) => once().finally(onFinally),
      [Symbol.toStringTag]: 'Promise',
    }) as unknown as AsyncValue<unknown>;
  }

  #call(op: number, args: unknown[]): Promise<unknown> {
    return this.#client.request(op, args);
  }

  #wait(op: number, options: QueueHandleWaitOptions | undefined, ...item: unknown[]) {
    let timeout: number | undefined;
    let signal: AbortSignal | undefined;
    try {
      const o = validateOptions<QueueHandleWaitOptions>('options', options);
      timeout = validateTimeout('timeout', o.timeout);
      signal = validateSignal('signal', o.signal);
    } catch (error) {
      return Promise.reject(error);
    }
    // A task that is aborted (its caller's signal, its timeout) withdraws its
    // waiting put/get on the owner, so an item is never sent to a task that left.
    // The call then waits for the owner's verdict: if the owner had already
    // completed it, it resolves (an item taken is never lost).
    signal = withTaskSignal(signal);
    // a get names its task's call: the pool that gives that call up (timeout,
    // abort) withdraws the get on the owner at once, before the worker hears of it
    const args = [...item, timeout, signal !== undefined];
    if (op === Op.Get) args.push(currentCallId());
    return this.#client.request(op, args, { signal });
  }
}

let queueErrorsRegistered = false;

// The owner's QueueEmpty / QueueFull / QueueShutDown arrive as the same classes.
function registerQueueErrors(): void {
  if (queueErrorsRegistered) return;
  queueErrorsRegistered = true;
  registerErrorClass('PAR_QUEUE_EMPTY', QueueEmpty);
  registerErrorClass('PAR_QUEUE_FULL', QueueFull);
  registerErrorClass('PAR_QUEUE_SHUT_DOWN', QueueShutDown);
}

function withTaskSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  const task = taskSignal();
  if (task === signal || typeof AbortSignal.any !== 'function') return signal ?? task;
  return signal === undefined ? task : AbortSignal.any([signal, task]);
}

function disconnected(): ParError {
  return new ParError(
    "The queue's owner is no longer reachable (its channel closed)",
    'PAR_CHANNEL_CLOSED',
  );
}
