import { ParError, TimeoutError } from '@par/async';

/**
 * What `hold()` returns: call it (or its `release()`) to release what was
 * acquired, or let `using` do it. Releasing twice is a no-op, so `using` plus an
 * explicit `release()` is safe. The same shape as @par/async's release handles.
 *
 * @example
 * ```ts
 * // in a worker thread
 * {
 *   using _held = lock.hold();
 *   counter[0] += 1;
 * } // released here, even if the block throws
 *
 * const release = await lock.hold(); // main thread
 * try { update(); } finally { release(); }
 * ```
 */
export interface ReleaseHandle extends Disposable {
  /** Releases what was acquired (once; later calls do nothing). */
  (): void;
  /** Releases what was acquired (once; later calls do nothing). */
  release(): void;
  /** Whether the handle was already used. */
  readonly released: boolean;
}

/** Creates the handle of one successful acquire. */
export function releaseHandle(release: () => void): ReleaseHandle {
  let held = true;
  const handle = (() => {
    if (!held) return;
    held = false;
    release();
  }) as ReleaseHandle & { released: boolean };
  Object.defineProperty(handle, 'released', { get: () => !held, enumerable: true });
  handle.release = handle;
  handle[Symbol.dispose] = handle;
  return handle;
}

/** Turns the boolean answer of an acquire into a handle, or a TimeoutError. */
export function toHandle(acquired: boolean, what: string, release: () => void): ReleaseHandle {
  if (!acquired) throw new TimeoutError(`Timed out waiting for the ${what}`);
  return releaseHandle(release);
}

/** Python's RuntimeError for releasing what is not held. */
export function notHeld(message: string): ParError {
  return new ParError(message, 'PAR_NOT_HELD');
}
