// Comlink transfer handlers, so that code that talks to its own workers with
// comlink (`wrap` / `expose`) can pass @par's shared primitives and queues as
// arguments and results, exactly as pool tasks can.
import { Queue, type ShutdownOptions, SimpleQueue } from '@par/queue';
import { expose, type TransferHandler, transferHandlers, wrap } from 'comlink';
import { registerSharedHandlers } from './handlers.js';
import { fromSharedState } from './registry.js';
import {
  isSharedPrimitive,
  type SharedPrimitive,
  type SharedState,
  toSharedState,
} from './serialize.js';

/** The names under which the handlers are registered in comlink's `transferHandlers`. */
export const COMLINK_HANDLERS = {
  shared: '@par/threads:shared',
  queue: '@par/threads:queue',
} as const;

const sharedHandler: TransferHandler<SharedPrimitive, SharedState> = {
  canHandle: (value): value is SharedPrimitive => isSharedPrimitive(value),
  serialize: (value) => [toSharedState(value), []],
  deserialize: fromSharedState,
};

type AnyQueue = Queue<unknown> | SimpleQueue<unknown>;

// A queue crosses as a MessagePort on which comlink serves it: the receiver gets
// comlink's Remote<Queue>, every member async (`await remote.size`,
// `await remote.get()`), and the owner stays authoritative.
const queueHandler: TransferHandler<AnyQueue, MessagePort> = {
  canHandle: (value): value is AnyQueue => value instanceof Queue || value instanceof SimpleQueue,
  serialize(queue) {
    const { port1, port2 } = new MessageChannel();
    expose(queue, port1);
    return [port2, [port2]];
  },
  deserialize: (port) => wrap(port) as unknown as AnyQueue,
};

/**
 * Registers comlink transfer handlers for `Lock`, `RLock`, `Semaphore`,
 * `BoundedSemaphore`, `Event`, `Condition`, `Barrier`, `Value` (they arrive as
 * working objects on the same shared memory) and for `@par/queue` queues (they
 * arrive as comlink `Remote`s served by the owner). Call it on both sides: the
 * page or parent, and each worker you talk to with comlink. Idempotent.
 *
 * @example
 * ```ts
 * // main
 * import { wrap } from 'comlink';
 * registerComlinkTransferHandlers();
 * const api = wrap<WorkerApi>(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
 * await api.increment(lock, counter, 1_000);
 * // worker.js
 * import { expose } from 'comlink';
 * registerComlinkTransferHandlers();
 * expose({ increment(lock, counter, n) { ... lock.acquire() ... } });
 * ```
 */
export function registerComlinkTransferHandlers(): void {
  registerSharedHandlers();
  transferHandlers.set(COMLINK_HANDLERS.shared, sharedHandler as TransferHandler<unknown, unknown>);
  transferHandlers.set(COMLINK_HANDLERS.queue, queueHandler as TransferHandler<unknown, unknown>);
}

/**
 * The type a `Queue<T>` has after crossing through comlink: the owner's queue,
 * served over a `MessagePort`, every member async (a property read is a promise,
 * a method resolves to what the owner's method returned or rejects with what it
 * threw). Waits take a `timeout` but no `signal` (an `AbortSignal` cannot cross).
 * Declared here rather than as comlink's `Remote<Queue<T>>`, so that @par/threads'
 * published types need neither comlink's declarations nor the DOM library; the
 * value comlink's `wrap()` returns is assignable to it.
 *
 * @example
 * ```ts
 * async takeAll(queue: Queue<number>) {
 *   const remote = queue as unknown as RemoteQueue<number>;
 *   while ((await remote.size) > 0) {
 *     console.log(await remote.getNowait());
 *     await remote.taskDone();
 *   }
 * }
 * ```
 */
export interface RemoteQueue<T> {
  /** The owner's `maxsize` (0: unbounded). */
  readonly maxsize: Promise<number>;
  /** How many items the owner's queue holds now. */
  readonly size: Promise<number>;
  /** Whether the owner's queue was shut down. */
  readonly isShutDown: Promise<boolean>;
  /** Whether the queue is empty. */
  empty(): Promise<boolean>;
  /** Whether the queue is full. */
  full(): Promise<boolean>;
  /** Adds `item`, waiting for room; rejects with `QueueFull` after `timeout` ms. */
  put(item: T, options?: RemoteQueueWaitOptions): Promise<void>;
  /** Adds `item` or rejects with `QueueFull`. */
  putNowait(item: T): Promise<void>;
  /** Takes an item, waiting for one; rejects with `QueueEmpty` after `timeout` ms. */
  get(options?: RemoteQueueWaitOptions): Promise<T>;
  /** Takes an item or rejects with `QueueEmpty`. */
  getNowait(): Promise<T>;
  /** Marks one item taken earlier as processed. */
  taskDone(): Promise<void>;
  /** Resolves when every item put was marked done. */
  join(): Promise<void>;
  /** Shuts the owner's queue down. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** Options of a `RemoteQueue`'s waits: a timeout only, an `AbortSignal` cannot cross. */
export interface RemoteQueueWaitOptions {
  /**
   * Milliseconds to wait at most; `undefined` or `Infinity` waits for ever.
   * @default undefined
   */
  timeout?: number;
}
