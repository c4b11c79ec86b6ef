/**
 * What `acquire()` resolves to: call `release()` once, or let `using` do it.
 * Releasing a handle twice is a no-op, so `using` plus an explicit `release()` is safe.
 *
 * @example
 * ```ts
 * {
 *   using _held = await lock.acquire();
 *   // critical section
 * } // released here
 * ```
 */
export interface ReleaseHandle extends Disposable {
  /** Releases what was acquired (once; later calls do nothing). */
  release(): void;
}

/** Anything with a `release()` — the primitive a handle gives back to. */
export interface Releasable {
  release(): void;
}

export class Release implements ReleaseHandle {
  // the owner, until the handle has been used
  #owner: Releasable | undefined;

  constructor(owner: Releasable) {
    this.#owner = owner;
  }

  release(): void {
    const owner = this.#owner;
    if (owner === undefined) return;
    this.#owner = undefined;
    owner.release();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
