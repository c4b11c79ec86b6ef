import { TimeoutError } from '@par/async';
import { notHeldError, type ReleaseHandle, releaseHandle } from '@par/async/internal';

export type { ReleaseHandle } from '@par/async';

/** Turns the boolean answer of an acquire into a handle, or a TimeoutError. */
export function toHandle(acquired: boolean, what: string, release: () => void): ReleaseHandle {
  if (!acquired) throw new TimeoutError(`Timed out waiting for the ${what}`);
  return releaseHandle(release);
}

/** Releasing what is not held: a `ParError` with code `PAR_NOT_HELD` (Python's RuntimeError). */
export const notHeld = notHeldError;
