import { validateFunction, validateOptions, validateTimeout } from '@par/async/internal';
import { Acquirable, kAcquireSteps, kTryAcquire } from './acquirable.js';
import {
  allocate,
  type ConditionLock,
  checkBuffer,
  type DeadThread,
  kAcquireRestore,
  kIsOwned,
  kRecover,
  kReleaseSave,
  kToState,
} from './internal.js';
import { Lock } from './lock.js';
import { type MaybePromise, perform } from './options.js';
import { fromSharedState, registerPrimitive } from './registry.js';
import { notHeld } from './release-handle.js';
import { RLock } from './rlock.js';
import { deadline, remaining, type Steps } from './runtime.js';
import type { LockState, SharedState } from './serialize.js';

// Int32 words: a sequence bumped by every notify (the futex word), the number
// of waiters not yet notified, and the wake-ups handed out but not yet taken.
// notify(n) moves min(n, waiters) from the second to the third word, so exactly
// that many waiters return true, whichever thread picks each one up.
const SEQUENCE = 0;
const WAITERS = 1;
const SIGNALS = 2;
const BYTES = 12;
let adopted: SharedArrayBuffer | undefined;

/** Options of `Condition#wait`. */
export interface ConditionWaitOptions {
  /**
   * Milliseconds to wait at most; then `wait()` returns `false`.
   * @default undefined (until notified)
   */
  timeout?: number;
}

/**
 * `threading.Condition(lock)` shared by worker threads. The lock defaults to a
 * new `RLock`. `wait()`, `waitFor()`, `notify()` and `notifyAll()` must be
 * called with the lock held. `wait()` releases the lock while it waits and holds
 * it again when it returns. Blocking in a worker; promises on the main thread.
 * `acquire()`, `acquireAsync()`, `hold()` and `holdAsync()` take the lock.
 *
 * Over a robust lock: when a worker dies holding the lock, its pool frees it
 * and the next holder (a `wait()` taking the lock back included) sees
 * `ownerDied`. A worker that dies while waiting on the condition holds
 * nothing; the wake-up a `notify()` counted for it goes to another waiter, so a
 * waiter may wake with nothing to do: check the state (`waitFor()` does).
 *
 * @example
 * ```ts
 * // consumer task (worker thread)
 * cond.acquire();
 * try {
 *   cond.waitFor(() => items[0] > 0);
 *   items[0] -= 1;
 * } finally {
 *   cond.release();
 * }
 * // producer (any thread): cond.acquire(); items[0] += 1; cond.notify(); cond.release();
 * ```
 */
export class Condition extends Acquirable {
  /** The shared state of the condition itself (the lock has its own `buffer`). */
  readonly buffer: SharedArrayBuffer;
  /** The lock the condition waits with. */
  readonly lock: Lock | RLock;
  readonly #i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Condition', buffer: this.buffer, lock: this.lock[kToState]() as LockState };
  }

  /** @param lock The lock to use. @default new RLock() */
  constructor(lock?: Lock | RLock) {
    super();
    registerCondition();
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError(
        `Expected \`lock\` to be a Lock or an RLock from @par/threads, got ${Object.prototype.toString.call(lock)}`,
      );
    }
    this.lock = lock ?? new RLock();
    this.buffer = adopted ?? allocate(BYTES);
    this.#i32 = new Int32Array(this.buffer, 0, 3);
  }

  /** The condition whose state is `buffer`, waiting with `lock`. */
  static fromShared(buffer: SharedArrayBuffer, lock: Lock | RLock): Condition {
    adopted = checkBuffer('Condition', buffer, BYTES);
    try {
      return new Condition(lock);
    } finally {
      adopted = undefined;
    }
  }

  /** Whether the underlying lock is held by some thread. */
  locked(): boolean {
    return this.lock.locked();
  }

  /**
   * The underlying lock's `ownerDied`: the current hold took the lock over from
   * a worker thread that died holding it. `wait()` gives the lock up and takes
   * it again, so after it returns this says how the lock came back.
   */
  get ownerDied(): boolean {
    return this.lock.ownerDied;
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** @internal `acquire()` and the rest of the family take the underlying lock. */
  [kTryAcquire](): boolean {
    return this.lock[kTryAcquire]();
  }

  /** @internal */
  [kAcquireSteps](timeout: number): Steps<boolean> {
    return this.lock[kAcquireSteps](timeout);
  }

  /** @internal A Condition holds nothing of its own: its lock is what a dead worker held. */
  [kRecover](dead: DeadThread): void {
    this.lock[kRecover](dead);
  }

  /**
   * Releases the lock, waits until notified or until `timeout` passes, then
   * holds the lock again. Returns `false` on timeout, `true` otherwise.
   * A bare number is the timeout.
   */
  wait(options?: ConditionWaitOptions | number): MaybePromise<boolean> {
    return perform(() => {
      const timeout = parseTimeout(options);
      this.#checkOwned('wait');
      return { steps: this.#waitSteps(timeout) };
    });
  }

  /** The promise form of `wait()` in every thread: the worker's event loop keeps running. */
  waitAsync(options?: ConditionWaitOptions | number): Promise<boolean> {
    return perform(() => {
      const timeout = parseTimeout(options);
      this.#checkOwned('wait');
      return { steps: this.#waitSteps(timeout) };
    }, true) as Promise<boolean>;
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after each notification;
   * returns the predicate's last value (falsy if `timeout` passed first).
   *
   * @example
   * ```ts
   * cond.waitFor(() => Atomics.load(state, 0) === DONE, { timeout: 5000 });
   * ```
   */
  waitFor<T>(
    predicate: () => T,
    options?: ConditionWaitOptions | number,
  ): MaybePromise<T | boolean> {
    return perform(() => {
      const timeout = parseTimeout(options);
      validateFunction('predicate', predicate);
      this.#checkOwned('waitFor');
      return { steps: this.#waitForSteps(predicate, timeout) };
    });
  }

  /** The promise form of `waitFor()` in every thread. */
  waitForAsync<T>(
    predicate: () => T,
    options?: ConditionWaitOptions | number,
  ): Promise<T | boolean> {
    return perform(() => {
      const timeout = parseTimeout(options);
      validateFunction('predicate', predicate);
      this.#checkOwned('waitFor');
      return { steps: this.#waitForSteps(predicate, timeout) };
    }, true) as Promise<T | boolean>;
  }

  /**
   * Wakes up to `n` threads waiting on this condition.
   * @param n @default 1
   */
  notify(n = 1): void {
    if (typeof n !== 'number' || Number.isNaN(n) || n < 0) {
      throw new RangeError(`Expected \`n\` to be a number >= 0, got \`${String(n)}\``);
    }
    this.#checkOwned('notify');
    const i32 = this.#i32;
    let moved = 0;
    for (;;) {
      const waiting = Atomics.load(i32, WAITERS);
      moved = Math.min(n, waiting);
      if (moved <= 0) return;
      if (Atomics.compareExchange(i32, WAITERS, waiting, waiting - moved) === waiting) break;
    }
    Atomics.add(i32, SIGNALS, moved);
    Atomics.add(i32, SEQUENCE, 1);
    // wake everyone: whichever waiters run first take the hand-outs, the rest sleep again
    Atomics.notify(i32, SEQUENCE);
  }

  /** Wakes every thread waiting on this condition. */
  notifyAll(): void {
    this.notify(Number.POSITIVE_INFINITY);
  }

  #checkOwned(what: string): void {
    if (!(this.lock as unknown as ConditionLock)[kIsOwned]()) {
      throw notHeld(`Cannot ${what} on a Condition whose lock is not held`);
    }
  }

  *#waitSteps(timeout: number): Steps<boolean> {
    const i32 = this.#i32;
    const lock = this.lock as unknown as ConditionLock;
    let sequence = Atomics.load(i32, SEQUENCE);
    Atomics.add(i32, WAITERS, 1);
    const saved = lock[kReleaseSave]();
    const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
    let woken = false;
    for (;;) {
      const left = remaining(end);
      if (left <= 0) {
        woken = this.#leave();
        break;
      }
      yield { i32, index: SEQUENCE, value: sequence, timeout: left };
      sequence = Atomics.load(i32, SEQUENCE);
      if (takeOne(i32, SIGNALS)) {
        woken = true;
        break;
      }
    }
    yield* lock[kAcquireRestore](saved);
    return woken;
  }

  *#waitForSteps<T>(predicate: () => T, timeout: number): Steps<T | boolean> {
    const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
    let result = predicate();
    while (!result) {
      const left = remaining(end);
      if (left <= 0) break;
      yield* this.#waitSteps(left);
      result = predicate();
    }
    return result;
  }

  // A timed-out waiter: if a notify already counted it, it takes that wake-up
  // (and reports true, as Python does); otherwise it removes itself from WAITERS.
  #leave(): boolean {
    const i32 = this.#i32;
    for (;;) {
      if (takeOne(i32, SIGNALS)) return true;
      const waiting = Atomics.load(i32, WAITERS);
      if (waiting <= 0) return false;
      if (Atomics.compareExchange(i32, WAITERS, waiting, waiting - 1) === waiting) return false;
    }
  }
}

function takeOne(i32: Int32Array, index: number): boolean {
  for (;;) {
    const c = Atomics.load(i32, index);
    if (c <= 0) return false;
    if (Atomics.compareExchange(i32, index, c, c - 1) === c) return true;
  }
}

function parseTimeout(options: unknown): number {
  const opts = typeof options === 'number' ? { timeout: options } : options;
  const o = validateOptions<ConditionWaitOptions>('options', opts);
  return validateTimeout('timeout', o.timeout) ?? Number.POSITIVE_INFINITY;
}

/**
 * Registers the decoder of `Condition` (and, once, the shared transfer handlers), so a
 * Condition passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerCondition(): void {
  registerPrimitive('Condition', (state) =>
    Condition.fromShared(state.buffer, fromSharedState(state.lock) as Lock | RLock),
  );
}
