import type { Queue, SimpleQueue } from '@par/queue';
import type { QueueHandle } from './queue-handle.js';

/**
 * What a caller may pass for a parameter a task declares: a task written for a
 * worker declares `(jobs: QueueHandle<number>)`, and the caller passes the
 * `Queue<number>` itself (it arrives in the worker as that handle).
 */
export type CallerArg<P> =
  P extends QueueHandle<infer T> ? QueueHandle<T> | Queue<T> | SimpleQueue<T> : P;

/** {@link CallerArg} for every parameter of a task. */
export type CallerArgs<A extends readonly unknown[]> = { [K in keyof A]: CallerArg<A[K]> };
