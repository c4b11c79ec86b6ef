import { ParError } from '@par/async';
import { registerErrorClass } from '@par/core';

/**
 * A call names a module that may not run: a worker refused it because the module
 * is not in its allow-list (or the reference leaves the worker's `root`), or the
 * pool refused it before sending anything because the module lies outside the
 * pool's `root`. The message names the module and says why; `module` names the
 * reference, `allowed` lists what the worker serves.
 *
 * @example
 * ```ts
 * await pool.run(other.task).catch((err) => err.code); // 'PAR_TASK_NOT_ALLOWED'
 * ```
 */
export class TaskNotAllowedError extends ParError {
  /**
   * The module the call asked for: its path relative to the worker's root (or its
   * package specifier); the module's URL when the pool refused it as outside its root.
   */
  readonly module: string;
  /** The modules the worker serves (empty when the pool refused the call itself). */
  readonly allowed: readonly string[];

  constructor(message: string, module: string, allowed: readonly string[], options?: ErrorOptions) {
    super(message, 'PAR_TASK_NOT_ALLOWED', options);
    this.module = module;
    this.allowed = allowed;
  }
}

/**
 * An inline function was given to a cluster pool: only task references
 * (`tasks(new URL('./tasks.js', import.meta.url)).name`) can cross machines,
 * because a worker never evaluates code received from Redis.
 *
 * @example
 * ```ts
 * await pool.run((n) => n * 2, 1).catch((err) => err.code); // 'PAR_INLINE_REMOTE'
 * ```
 */
export class InlineRemoteError extends ParError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'PAR_INLINE_REMOTE', options);
  }
}

/**
 * The connection to Redis stayed down longer than `connectionTimeout`: every
 * pending call of the pool rejects with it (their jobs may still run later).
 *
 * @example
 * ```ts
 * await pool.run(t.square, 2).catch((err) => err.code); // 'PAR_CONNECTION_LOST'
 * ```
 */
export class ConnectionLostError extends ParError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'PAR_CONNECTION_LOST', options);
  }
}

/**
 * Arguments (at the caller, before anything is sent) or a result (in the worker)
 * are larger than `maxPayloadBytes` once encoded.
 *
 * @example
 * ```ts
 * await pool.run(t.echo, hugeBuffer).catch((err) => [err.size, err.limit]);
 * ```
 */
export class PayloadTooLargeError extends ParError {
  /** Encoded size in bytes. */
  readonly size: number;
  /** The limit in bytes. */
  readonly limit: number;

  constructor(message: string, size: number, limit: number, options?: ErrorOptions) {
    super(message, 'PAR_PAYLOAD_TOO_LARGE', options);
    this.size = size;
    this.limit = limit;
  }
}

/**
 * A job's data is not a call this package wrote (malformed or foreign data in
 * the queue). The job fails with it; the worker goes on.
 *
 * @example
 * ```ts
 * // failedReason of such a job decodes to BadJobError, code 'PAR_BAD_JOB'
 * ```
 */
export class BadJobError extends ParError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'PAR_BAD_JOB', options);
  }
}

/**
 * A job failed for a reason outside the task (it stalled more often than the
 * workers' `maxStalledCount`, or an infrastructure failure outlived its retries).
 * `reason` is BullMQ's failure text.
 *
 * @example
 * ```ts
 * await pool.run(t.square, 2).catch((err) => err.code); // 'PAR_JOB_FAILED'
 * ```
 */
export class JobFailedError extends ParError {
  /** BullMQ's `failedReason`. */
  readonly reason: string;

  constructor(message: string, reason: string, options?: ErrorOptions) {
    super(message, 'PAR_JOB_FAILED', options);
    this.reason = reason;
  }
}

registerErrorClass('PAR_TASK_NOT_ALLOWED', TaskNotAllowedError);
registerErrorClass('PAR_INLINE_REMOTE', InlineRemoteError);
registerErrorClass('PAR_CONNECTION_LOST', ConnectionLostError);
registerErrorClass('PAR_PAYLOAD_TOO_LARGE', PayloadTooLargeError);
registerErrorClass('PAR_BAD_JOB', BadJobError);
registerErrorClass('PAR_JOB_FAILED', JobFailedError);
