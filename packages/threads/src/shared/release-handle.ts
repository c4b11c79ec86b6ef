import { ParError, TimeoutError } from '@par/async';

/**
 * What `hold()` returns: releases what was acquired, once, when disposed.
 *
 * @example
 * ```ts
 * // in a worker thread
 * {
 *   using _held = lock.hold();
 *   counter[0] += 1;
 * } // released here, even if the block throws
 * ```
 */
export class ReleaseHandle implements Disposable {
  #release: (() => void) | undefined;

  /** @internal */
  constructor(release: () => void) {
    this.#release = release;
  }

  /** Whether `release()` (or disposal) already ran. */
  get released(): boolean {
    return this.#release === undefined;
  }

  /** Releases what was acquired; later calls do nothing. */
  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  /** Same as `release()`, for `using`. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** Turns the boolean answer of an acquire into a handle, or a TimeoutError. */
export function toHandle(acquired: boolean, what: string, release: () => void): ReleaseHandle {
  if (!acquired) throw new TimeoutError(`Timed out waiting for the ${what}`);
  return new ReleaseHandle(release);
}

/** Python's RuntimeError for releasing what is not held. */
export function notHeld(message: string): ParError {
  return new ParError(message, 'PAR_NOT_HELD');
}
