import { overReleaseError, validateInteger } from '@par/async/internal';
import { Acquirable, kAcquireSteps, kTryAcquire } from './acquirable.js';
import { addHeld, HOLDER_WORDS, takeHeld } from './holders.js';
import { allocate, checkBuffer, type DeadThread, kRecover, kToState } from './internal.js';
import { registerPrimitive } from './registry.js';
import { deadline, remaining, type Steps, trackedThreadId } from './runtime.js';
import type { SharedState } from './serialize.js';

// Int32 words: the counter (the futex word), the number of sleeping acquirers,
// the bound (-1 = unbounded), one spare, then the permits each worker thread
// holds (holders.ts), which its pool gives back if it dies.
const VALUE = 0;
const WAITERS = 1;
const BOUND = 2;
const HOLDERS = 4;
const WORDS = HOLDERS + HOLDER_WORDS;
const BYTES = WORDS * 4;
let adopted: SharedArrayBuffer | undefined;

/**
 * `threading.Semaphore(value)`: a counter shared by worker threads. `acquire()`
 * takes one unit, waiting while the counter is 0; `release(n)` gives `n` back.
 * Blocking in a worker thread; promises on the main thread.
 *
 * Robust: each worker thread's permits (those it acquired and has not released)
 * are recorded in the shared memory; when a pool's worker dies holding some (it
 * crashed, exited, or was killed for a timeout, an abort or `terminate()`), the
 * pool releases them. Permits of a worker its pool retires idle stay taken: it
 * may have left them for another thread to release.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(2); // at most two tasks inside at once
 * // in a task:
 * slots.acquire();
 * try { useTheScarceThing(); } finally { slots.release(); }
 * ```
 */
export class Semaphore extends Acquirable {
  /** The shared state; `Semaphore.fromShared(buffer)` rebuilds it in another thread. */
  readonly buffer: SharedArrayBuffer;
  /** @internal */
  protected readonly i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Semaphore', buffer: this.buffer };
  }

  /**
   * @param value The initial counter. @default 1
   */
  constructor(value = 1) {
    super();
    registerSemaphore();
    if (adopted) {
      this.buffer = adopted;
      this.i32 = new Int32Array(this.buffer, 0, WORDS);
      return;
    }
    validateInteger('value', value, { min: 0, max: 0x7fffffff });
    this.buffer = allocate(BYTES);
    this.i32 = new Int32Array(this.buffer, 0, WORDS);
    this.i32[VALUE] = value;
    this.i32[BOUND] = -1;
  }

  /** The semaphore whose state is `buffer`; a bounded one comes back as `BoundedSemaphore`. */
  static fromShared(buffer: SharedArrayBuffer): Semaphore {
    adopted = checkBuffer('Semaphore', buffer, BYTES);
    try {
      const bounded = Atomics.load(new Int32Array(buffer, 0, WORDS), BOUND) >= 0;
      return bounded ? new BoundedSemaphore() : new Semaphore();
    } finally {
      adopted = undefined;
    }
  }

  /** Whether an `acquire()` would wait now (the counter is 0), as asyncio's `locked()`. */
  locked(): boolean {
    return Atomics.load(this.i32, VALUE) === 0;
  }

  /** The current counter (a snapshot; Python's private `_value`). */
  get value(): number {
    return Atomics.load(this.i32, VALUE);
  }

  /**
   * Gives `n` units back and wakes up to `n` waiters. Releasing a
   * `BoundedSemaphore` above its bound throws a `RangeError` with code
   * `PAR_OVER_RELEASE` (Python's `ValueError`).
   * @param n @default 1
   */
  release(n = 1): void {
    validateInteger('n', n, { min: 1, max: 0x7fffffff });
    const bound = this.i32[BOUND] as number;
    if (bound < 0) Atomics.add(this.i32, VALUE, n);
    else {
      for (;;) {
        const c = Atomics.load(this.i32, VALUE);
        if (c + n > bound) {
          throw overReleaseError(`BoundedSemaphore released too many times (bound ${bound})`);
        }
        if (Atomics.compareExchange(this.i32, VALUE, c, c + n) === c) break;
      }
    }
    addHeld(this.i32, HOLDERS, trackedThreadId(), -n);
    this.#wake(n);
  }

  #wake(n: number): void {
    if (Atomics.load(this.i32, WAITERS) > 0) Atomics.notify(this.i32, VALUE, n);
  }

  /**
   * @internal Gives back the permits a worker that died held (capped at the
   * bound of a BoundedSemaphore).
   */
  [kRecover](dead: DeadThread): void {
    if (!dead.interrupted) return;
    let n = takeHeld(this.i32, HOLDERS, dead.id);
    if (n === 0) return;
    const bound = this.i32[BOUND] as number;
    for (;;) {
      const c = Atomics.load(this.i32, VALUE);
      if (bound >= 0) n = Math.min(n, bound - c);
      if (n <= 0) return;
      if (Atomics.compareExchange(this.i32, VALUE, c, c + n) === c) break;
    }
    this.#wake(n);
  }

  #took(): true {
    addHeld(this.i32, HOLDERS, trackedThreadId(), 1);
    return true;
  }

  /** @internal */
  [kTryAcquire](): boolean {
    for (;;) {
      const c = Atomics.load(this.i32, VALUE);
      if (c <= 0) return false;
      if (Atomics.compareExchange(this.i32, VALUE, c, c - 1) === c) return this.#took();
    }
  }

  /** @internal */
  *[kAcquireSteps](timeout: number): Steps<boolean> {
    const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
    for (;;) {
      const c = Atomics.load(this.i32, VALUE);
      if (c > 0) {
        if (Atomics.compareExchange(this.i32, VALUE, c, c - 1) === c) return this.#took();
        continue;
      }
      const left = remaining(end);
      if (left <= 0) return false;
      Atomics.add(this.i32, WAITERS, 1);
      try {
        yield { i32: this.i32, index: VALUE, value: 0, timeout: left };
      } finally {
        Atomics.sub(this.i32, WAITERS, 1);
      }
    }
  }
}

/**
 * `threading.BoundedSemaphore(value)`: a Semaphore whose counter may never go
 * above its initial value; an extra `release()` throws a `RangeError` with code
 * `PAR_OVER_RELEASE`.
 *
 * @example
 * ```ts
 * const sem = new BoundedSemaphore(1);
 * sem.release(); // RangeError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** @param value The initial counter and the bound. @default 1 */
  constructor(value = 1) {
    super(value);
    if (!adopted) this.i32[BOUND] = value;
  }

  /** The bound (the initial value). */
  get bound(): number {
    return this.i32[BOUND] as number;
  }
}

/**
 * Registers the decoder of `Semaphore` (and, once, the shared transfer handlers), so a
 * Semaphore passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerSemaphore(): void {
  registerPrimitive('Semaphore', (state) => Semaphore.fromShared(state.buffer));
}
