// The errors of a release that does not match an acquire, shared by the
// primitives of @par/async and the shared-memory primitives of @par/threads so
// that one mistake has one code everywhere.
import { ParError } from './errors.js';

/**
 * Releasing a lock that is not held (an unlocked `Lock`, an `RLock` this thread
 * does not own), or waiting on / notifying a `Condition` whose lock is not held:
 * a `ParError` with code `PAR_NOT_HELD` (Python raises `RuntimeError`).
 */
export function notHeldError(message: string): ParError {
  return new ParError(message, 'PAR_NOT_HELD');
}

/**
 * Releasing a `BoundedSemaphore` above its initial value: a `RangeError` with
 * code `PAR_OVER_RELEASE` (Python raises `ValueError`, which @par maps to
 * `RangeError`, as for a queue's extra `taskDone()`).
 */
export function overReleaseError(
  message: string,
): RangeError & { readonly code: 'PAR_OVER_RELEASE' } {
  return Object.assign(new RangeError(message), { code: 'PAR_OVER_RELEASE' as const });
}
