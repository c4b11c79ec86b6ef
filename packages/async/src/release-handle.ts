/**
 * What an acquire gives back (`acquire()` of @par/async's locks and semaphores,
 * `hold()` of @par/threads' shared ones): call it (or its `release()`) once, or
 * let `using` do it. Using a handle a second time is a no-op, so `using` plus an
 * explicit `release()` is safe.
 *
 * @example
 * ```ts
 * {
 *   using _held = await lock.acquire();
 *   // critical section
 * } // released here
 *
 * const release = await semaphore.acquire();
 * try { await work(); } finally { release(); } // async-mutex style
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

/** Anything with a `release()` — the primitive a handle gives back to. */
export interface Releasable {
  release(): void;
}

/** Creates the release handle of one acquire of `owner` (a primitive, or the release itself). */
export function releaseHandle(owner: Releasable | (() => void)): ReleaseHandle {
  let held = true;
  const handle = (() => {
    if (!held) return;
    held = false;
    if (typeof owner === 'function') owner();
    else owner.release();
  }) as ReleaseHandle & { released: boolean };
  Object.defineProperty(handle, 'released', { get: () => !held, enumerable: true });
  handle.release = handle;
  handle[Symbol.dispose] = handle;
  return handle;
}
