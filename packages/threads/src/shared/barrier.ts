import { BrokenBarrierError } from '@par/async';
import { validateInteger, validateOptions, validateTimeout } from '@par/async/internal';
import { addHeld, clearHeld, HOLDER_WORDS, takeHeld } from './holders.js';
import { allocate, checkBuffer, type DeadThread, kRecover, kToState } from './internal.js';
import { type MaybePromise, perform } from './options.js';
import {
  lockAsSteps,
  lockSyncAs,
  ownerOf,
  recoverFrom,
  trySpinLockAs,
  unlockOwned as unlock,
} from './owner-mutex.js';
import { registerPrimitive } from './registry.js';
import {
  canBlock,
  currentThreadId,
  deadline,
  remaining,
  type Steps,
  trackedThreadId,
} from './runtime.js';
import type { SharedState } from './serialize.js';

// Int32 words. GUARD is a tiny mutex (naming its holder, see owner-mutex.ts)
// held only while the other words change;
// EPOCH is bumped by every change a waiter must see (release, abort, reset) and
// is the word waiters sleep on. A waiter of generation g returns when GENERATION
// moves past g, unless RESET_GENERATION === g (reset() broke that generation).
const GUARD = 0;
const EPOCH = 1;
const COUNT = 2;
const GENERATION = 3;
const BROKEN = 4;
const PARTIES = 5;
const RESET_GENERATION = 6;
const WORDS = 8;
// a Float64 after the words: the default timeout (NaN = none)
const TIMEOUT_OFFSET = WORDS * 4;
// then the worker threads waiting in this round (holders.ts): if one dies, its
// pool breaks the barrier
const HOLDERS = (TIMEOUT_OFFSET + 8) / 4;
const BYTES = (HOLDERS + HOLDER_WORDS) * 4;
let adopted: SharedArrayBuffer | undefined;
/** How often recovery tries the guard before it goes on without it. */
const GUARD_SPINS = 100_000;

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /**
   * Default timeout in milliseconds for `wait()`; when it passes, the barrier
   * breaks and every waiter throws `BrokenBarrierError`.
   * @default undefined (no timeout)
   */
  timeout?: number;
}

/** Options of `Barrier#wait`. */
export interface BarrierWaitOptions {
  /**
   * Milliseconds to wait at most, overriding the barrier's default; when it
   * passes the barrier breaks.
   * @default the barrier's `timeout`
   */
  timeout?: number;
}

/**
 * `threading.Barrier(parties)` shared by worker threads: `wait()` returns once
 * `parties` threads are waiting, each with a distinct arrival index
 * 0…parties−1; then the barrier is ready for the next round. `abort()`, a
 * timeout, or `reset()` while threads wait breaks it: waiters throw
 * `BrokenBarrierError` (from @par/async). Blocking in a worker; a promise on
 * the main thread.
 *
 * Robust: the worker threads waiting in a round are recorded in the shared
 * memory; when a pool's worker dies while it waits (it crashed, exited, or was
 * killed), the pool breaks the barrier, so the other parties throw
 * `BrokenBarrierError` instead of waiting for ever.
 *
 * @example
 * ```ts
 * // every task runs: compute(part); barrier.wait(); combine(part);
 * const barrier = new Barrier(4);
 * await Promise.all([0, 1, 2, 3].map((part) => pool.run(tasks.step, barrier, part)));
 * ```
 */
export class Barrier {
  /** The shared state; `Barrier.fromShared(buffer)` rebuilds it in another thread. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;
  readonly #timeout: Float64Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Barrier', buffer: this.buffer };
  }

  /**
   * @param parties How many threads must call `wait()` to release them (>= 1).
   */
  constructor(parties: number, options?: BarrierOptions) {
    registerBarrier();
    if (adopted) {
      this.buffer = adopted;
      this.#i32 = new Int32Array(this.buffer, 0, BYTES / 4);
      this.#timeout = new Float64Array(this.buffer, TIMEOUT_OFFSET, 1);
      return;
    }
    validateInteger('parties', parties, { min: 1, max: 0x7fffffff });
    const opts = validateOptions<BarrierOptions>('options', options);
    const timeout = validateTimeout('timeout', opts.timeout);
    this.buffer = allocate(BYTES);
    this.#i32 = new Int32Array(this.buffer, 0, BYTES / 4);
    this.#timeout = new Float64Array(this.buffer, TIMEOUT_OFFSET, 1);
    this.#i32[PARTIES] = parties;
    this.#i32[RESET_GENERATION] = -1;
    this.#timeout[0] = timeout ?? Number.NaN;
  }

  /** The barrier whose state is `buffer`. */
  static fromShared(buffer: SharedArrayBuffer): Barrier {
    adopted = checkBuffer('Barrier', buffer, BYTES);
    try {
      return new Barrier(0);
    } finally {
      adopted = undefined;
    }
  }

  /** How many threads must wait to pass. */
  get parties(): number {
    return this.#i32[PARTIES] as number;
  }

  /** How many threads are waiting now. */
  get nWaiting(): number {
    return Atomics.load(this.#i32, COUNT);
  }

  /** Whether the barrier is broken (until `reset()`). */
  get broken(): boolean {
    return Atomics.load(this.#i32, BROKEN) === 1;
  }

  /**
   * Waits until `parties` threads wait, and returns this thread's arrival index
   * (0 for the first, parties−1 for the last). Throws `BrokenBarrierError` if
   * the barrier is or becomes broken, or breaks it if `timeout` passes first.
   * A bare number is the timeout.
   */
  wait(options?: BarrierWaitOptions | number): MaybePromise<number> {
    return perform(() => this.#start(options));
  }

  /** The promise form of `wait()` in every thread: the worker's event loop keeps running. */
  waitAsync(options?: BarrierWaitOptions | number): Promise<number> {
    return perform(() => this.#start(options), true) as Promise<number>;
  }

  #start(options: BarrierWaitOptions | number | undefined): { steps: Steps<number> } {
    const opts = validateOptions<BarrierWaitOptions>(
      'options',
      typeof options === 'number' ? { timeout: options } : options,
    );
    let timeout = validateTimeout('timeout', opts.timeout);
    if (timeout === undefined) {
      const fallback = this.#timeout[0] as number;
      if (!Number.isNaN(fallback)) timeout = fallback;
    }
    return { steps: this.#waitSteps(timeout) };
  }

  /**
   * Breaks the barrier: threads waiting now and later throw `BrokenBarrierError`
   * until `reset()`. Useful when a party fails and the others must not wait forever.
   */
  abort(): void {
    this.#change((i32) => {
      Atomics.store(i32, BROKEN, 1);
    });
  }

  /**
   * Returns the barrier to its empty, unbroken state. Threads waiting at that
   * moment throw `BrokenBarrierError`.
   */
  reset(): void {
    this.#change((i32) => {
      if (Atomics.load(i32, COUNT) > 0) {
        Atomics.store(i32, RESET_GENERATION, Atomics.load(i32, GENERATION));
      }
      Atomics.store(i32, COUNT, 0);
      Atomics.store(i32, BROKEN, 0);
      Atomics.add(i32, GENERATION, 1);
      clearHeld(i32, HOLDERS);
    });
  }

  /**
   * @internal A worker thread that died while waiting in this round (or inside
   * the guard) breaks the barrier: the other parties would wait for ever.
   */
  [kRecover](dead: DeadThread): void {
    const i32 = this.#i32;
    // died between taking the guard and letting it go: free it, broken
    if (ownerOf(i32, GUARD) === dead.id && recoverFrom(i32, GUARD, BROKEN, dead.id)) {
      takeHeld(i32, HOLDERS, dead.id);
      Atomics.add(i32, EPOCH, 1);
      Atomics.notify(i32, EPOCH);
      return;
    }
    // The guard is only ever held for a few instructions, but a thread that died
    // inside it outside this pool would hold it for ever: never wait for it here.
    const guarded = trySpinLockAs(i32, GUARD, currentThreadId(), GUARD_SPINS);
    if (takeHeld(i32, HOLDERS, dead.id) > 0 && Atomics.load(i32, COUNT) > 0) {
      Atomics.store(i32, BROKEN, 1);
    }
    Atomics.add(i32, EPOCH, 1);
    if (guarded) unlock(i32, GUARD);
    Atomics.notify(i32, EPOCH);
  }

  #change(update: (i32: Int32Array) => void): void {
    const i32 = this.#i32;
    lockSyncAs(i32, GUARD, currentThreadId(), canBlock());
    update(i32);
    Atomics.add(i32, EPOCH, 1);
    unlock(i32, GUARD);
    Atomics.notify(i32, EPOCH);
  }

  *#waitSteps(timeout: number | undefined): Steps<number> {
    const i32 = this.#i32;
    const parties = i32[PARTIES] as number;
    yield* lockAsSteps(i32, GUARD, currentThreadId(), Number.POSITIVE_INFINITY);
    if (Atomics.load(i32, BROKEN) === 1) {
      unlock(i32, GUARD);
      throw new BrokenBarrierError();
    }
    const generation = Atomics.load(i32, GENERATION);
    const index = Atomics.load(i32, COUNT);
    if (index + 1 === parties) {
      Atomics.store(i32, COUNT, 0);
      Atomics.store(i32, GENERATION, generation + 1);
      clearHeld(i32, HOLDERS);
      Atomics.add(i32, EPOCH, 1);
      unlock(i32, GUARD);
      Atomics.notify(i32, EPOCH);
      return index;
    }
    Atomics.store(i32, COUNT, index + 1);
    addHeld(i32, HOLDERS, trackedThreadId(), 1);
    let epoch = Atomics.load(i32, EPOCH);
    unlock(i32, GUARD);
    const end = deadline(timeout);
    for (;;) {
      if (Atomics.load(i32, GENERATION) !== generation) {
        if (Atomics.load(i32, RESET_GENERATION) === generation) throw new BrokenBarrierError();
        return index;
      }
      if (Atomics.load(i32, BROKEN) === 1) throw new BrokenBarrierError();
      const left = remaining(end);
      if (left <= 0) {
        // break the barrier for everyone, unless this round completed meanwhile
        yield* lockAsSteps(i32, GUARD, currentThreadId(), Number.POSITIVE_INFINITY);
        const released = Atomics.load(i32, GENERATION) !== generation;
        if (!released) {
          Atomics.store(i32, BROKEN, 1);
          Atomics.add(i32, EPOCH, 1);
        }
        unlock(i32, GUARD);
        if (released) continue;
        Atomics.notify(i32, EPOCH);
        throw new BrokenBarrierError('Barrier wait timed out');
      }
      yield { i32, index: EPOCH, value: epoch, timeout: left };
      epoch = Atomics.load(i32, EPOCH);
    }
  }
}

/**
 * Registers the decoder of `Barrier` (and, once, the shared transfer handlers), so a
 * Barrier passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerBarrier(): void {
  registerPrimitive('Barrier', (state) => Barrier.fromShared(state.buffer));
}
