import { ParError } from '@par/async';

/**
 * A `new Parallel(...)` instance was called while a previous call of it was still
 * running (joblib raises `RuntimeError`). Code `PAR_PARALLEL_BUSY`.
 *
 * @example
 * ```ts
 * await using parallel = new Parallel({ nJobs: 2 });
 * const first = parallel(calls);
 * await parallel(calls).catch((err) => err.code); // 'PAR_PARALLEL_BUSY'
 * ```
 */
export class ParallelBusyError extends ParError {
  constructor(
    message = 'This Parallel instance is already running: wait for its previous call, or use another instance',
  ) {
    super(message, 'PAR_PARALLEL_BUSY');
  }
}

/** Where a failed delayed call came from, set as `error.parallelCall` (non-enumerable). */
export interface FailedCallInfo {
  /** The failed call's position in the input (`undefined` when a batch of several calls failed as a whole). */
  index: number | undefined;
  /** The failed call's arguments, when `index` is known. */
  args: readonly unknown[] | undefined;
  /** The batch the call belonged to: input positions `start` to `start + size - 1`. */
  batch: { start: number; size: number };
}

/**
 * Records on the original error which call failed, without changing its class,
 * message or enumerable properties.
 */
export function annotateFailure(error: unknown, info: FailedCallInfo): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  if (Object.hasOwn(error, 'parallelCall')) return;
  Object.defineProperty(error, 'parallelCall', {
    value: info,
    enumerable: false,
    configurable: true,
    writable: true,
  });
}
