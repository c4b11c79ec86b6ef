import { Acquirable } from './acquirable.js';
import {
  allocate,
  checkBuffer,
  type DeadThread,
  kAcquireRestore,
  kIsOwned,
  kRecover,
  kReleaseSave,
  kToState,
} from './internal.js';
import {
  lockAsSteps,
  lockSyncAs,
  markedOwnerDied,
  ownerOf,
  recoverMarked,
  tryLockAs,
  unlockOwned,
} from './owner-mutex.js';
import { currentThreadId, type Steps } from './runtime.js';
import type { LockState } from './serialize.js';

// Int32 words: the mutex (its holder's thread id and the owner-died mark of the
// current hold, see owner-mutex.ts) and the recursion count (RLock).
const MUTEX = 0;
const COUNT = 1;
const WORDS = 2;
const BYTES = WORDS * 4;
let adopted: SharedArrayBuffer | undefined;

/** Builds a lock (with `make`) over an existing state `buffer`. */
export function adoptLock<T extends OwnedLock>(
  name: string,
  buffer: SharedArrayBuffer,
  make: () => T,
): T {
  adopted = checkBuffer(name, buffer, BYTES);
  try {
    return make();
  } finally {
    adopted = undefined;
  }
}

/**
 * What `Lock` and `RLock` share: a mutex in a SharedArrayBuffer whose word
 * records the thread holding it, so that the pool of a worker thread that dies
 * holding the lock frees it, and the next holder sees {@link ownerDied}.
 * Acquiring is inherited from `Acquirable` (`acquire`, `acquireAsync`, `hold`,
 * `holdAsync`).
 */
export abstract class OwnedLock extends Acquirable {
  /** The shared state; `Lock.fromShared(buffer)` (or `RLock.…`) rebuilds the same lock in another thread. */
  readonly buffer: SharedArrayBuffer;
  /** @internal */
  protected readonly i32: Int32Array;
  readonly #kind: LockState['kind'];

  /** @internal */
  protected constructor(kind: LockState['kind']) {
    super();
    this.#kind = kind;
    this.buffer = adopted ?? allocate(BYTES);
    this.i32 = new Int32Array(this.buffer, 0, WORDS);
  }

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): LockState {
    return { kind: this.#kind, buffer: this.buffer };
  }

  /** Whether some thread holds the lock. */
  locked(): boolean {
    return ownerOf(this.i32, MUTEX) !== 0;
  }

  /**
   * Whether the current hold took the lock over from a worker thread that died
   * holding it (POSIX's `EOWNERDEAD`, reported as a flag): `true` from the moment
   * that worker's pool freed the lock until the next `release()`. `acquire()`
   * succeeds as usual; the new holder reads this flag to check or repair the
   * state the lock guards, which the dead worker may have left half-updated.
   *
   * @example
   * ```ts
   * lock.acquire();
   * try {
   *   if (lock.ownerDied) repair(state);
   *   update(state);
   * } finally {
   *   lock.release();
   * }
   * ```
   */
  get ownerDied(): boolean {
    return markedOwnerDied(this.i32, MUTEX);
  }

  /** @internal Takes the mutex for this thread if it is free. */
  protected tryLock(): boolean {
    return tryLockAs(this.i32, MUTEX, currentThreadId());
  }

  /** @internal Waits for the mutex for this thread. */
  protected lockSteps(timeout: number): Steps<boolean> {
    return lockAsSteps(this.i32, MUTEX, currentThreadId(), timeout);
  }

  /** @internal Waits for the mutex for this thread, blocking it (worker threads only). */
  protected lockBlocking(): void {
    lockSyncAs(this.i32, MUTEX, currentThreadId(), true);
  }

  /** @internal Ends the hold: frees the mutex and clears its owner-died mark; false if it was free. */
  protected unlock(): boolean {
    return unlockOwned(this.i32, MUTEX);
  }

  /** @internal Whether this thread holds the mutex. */
  protected heldHere(): boolean {
    return ownerOf(this.i32, MUTEX) === currentThreadId();
  }

  /** @internal The recursion count (RLock). */
  protected get count(): number {
    return this.i32[COUNT] as number;
  }

  protected set count(value: number) {
    this.i32[COUNT] = value;
  }

  /** @internal Python's `_is_owned`, for Condition. */
  abstract [kIsOwned](): boolean;

  /** @internal Releases every level at once, for Condition#wait; returns what to restore. */
  abstract [kReleaseSave](): number;

  /** @internal Takes the lock back after Condition#wait. */
  *[kAcquireRestore](saved: number): Steps<void> {
    yield* this.lockSteps(Number.POSITIVE_INFINITY);
    this.count = saved;
  }

  /**
   * @internal Frees the lock if the dead thread held it (RLock: whenever its
   * owner is gone, since no other thread may release it; Lock narrows this).
   */
  [kRecover](dead: DeadThread): void {
    recoverMarked(this.i32, MUTEX, dead.id);
  }
}
