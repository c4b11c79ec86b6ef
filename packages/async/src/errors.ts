import { brand } from './brand.js';

/**
 * The base class of every error @par throws. `code` is a stable string that
 * survives bundling, serialization across workers and minification, so check
 * `err.code === 'PAR_TIMEOUT'` or `err instanceof TimeoutError`, never `err.name`.
 *
 * @example
 * ```ts
 * try {
 *   await timeout(100, fetchSlowly());
 * } catch (err) {
 *   if (err instanceof ParError) console.log(err.code);
 * }
 * ```
 */
export class ParError extends Error {
  /** A stable machine-readable code such as `'PAR_TIMEOUT'`. */
  readonly code: string;

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * A deadline passed: `timeout()`, `asCompleted({ timeout })`, an acquire with
 * `timeout`, a pool task's running `timeout`.
 *
 * @example
 * ```ts
 * await timeout(50, sleep(1000)).catch((err) => err instanceof TimeoutError); // true
 * ```
 */
export class TimeoutError extends ParError {
  constructor(message = 'The operation timed out', options?: ErrorOptions) {
    super(message, 'PAR_TIMEOUT', options);
  }
}

/**
 * Work was cancelled before it produced a result (a cancelled `Future`, the calls
 * an executor's `shutdown({ cancelFutures: true })` removed, the other chunks of a
 * failed `map`). `clearQueue()` rejects with an `AbortError` instead.
 *
 * @example
 * ```ts
 * const future = executor.submit(task, 1);
 * future.cancel();
 * await future.then(undefined, (err) => err instanceof CancelledError); // true
 * ```
 */
export class CancelledError extends ParError {
  constructor(message = 'The operation was cancelled', options?: ErrorOptions) {
    super(message, 'PAR_CANCELLED', options);
  }
}

/**
 * A {@link Barrier} was broken — by `abort()`, `reset()` or a wait's timeout —
 * while a task waited on it or before it arrived.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * const waiting = barrier.wait();
 * barrier.abort();
 * await waiting.catch((err) => err instanceof BrokenBarrierError); // true
 * ```
 */
export class BrokenBarrierError extends ParError {
  constructor(message = 'The barrier is broken', options?: ErrorOptions) {
    super(message, 'PAR_BROKEN_BARRIER', options);
  }
}

// `instanceof` holds across copies of @par/async (a pool's child process runs a
// bundled one); a subclass of your own tests by its prototype chain
brand(ParError, '@par/async.ParError');
brand(TimeoutError, '@par/async.TimeoutError');
brand(CancelledError, '@par/async.CancelledError');
brand(BrokenBarrierError, '@par/async.BrokenBarrierError');
