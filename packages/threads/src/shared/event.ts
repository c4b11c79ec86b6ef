import { allocate, checkBuffer, kToState } from './internal.js';
import { done, type MaybePromise, parseWait, perform, type SharedWaitOptions } from './options.js';
import { registerPrimitive } from './registry.js';
import { deadline, remaining, type Steps } from './runtime.js';
import type { SharedState } from './serialize.js';

// Int32 words: the flag, and a generation bumped by every set() (the futex word),
// so a waiter woken by set() reports true even if clear() ran right after.
const FLAG = 0;
const GENERATION = 1;
const BYTES = 8;
let adopted: SharedArrayBuffer | undefined;

/**
 * `threading.Event` shared by worker threads: a flag that threads wait for.
 * `wait()` blocks in a worker thread and returns a promise on the main thread.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * const started = pool.run(tasks.waitForGo, ready); // the task calls ready.wait()
 * ready.set();
 * ```
 */
export class Event {
  /** The shared state; `Event.fromShared(buffer)` rebuilds it in another thread. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return { kind: 'Event', buffer: this.buffer };
  }

  constructor() {
    registerEvent();
    this.buffer = adopted ?? allocate(BYTES);
    this.#i32 = new Int32Array(this.buffer, 0, 2);
  }

  /** The event whose state is `buffer`. */
  static fromShared(buffer: SharedArrayBuffer): Event {
    adopted = checkBuffer('Event', buffer, BYTES);
    try {
      return new Event();
    } finally {
      adopted = undefined;
    }
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    Atomics.store(this.#i32, FLAG, 1);
    Atomics.add(this.#i32, GENERATION, 1);
    Atomics.notify(this.#i32, GENERATION);
  }

  /** Clears the flag; later `wait()` calls wait again. */
  clear(): void {
    Atomics.store(this.#i32, FLAG, 0);
  }

  /** Whether the flag is set. */
  isSet(): boolean {
    return Atomics.load(this.#i32, FLAG) === 1;
  }

  /**
   * Waits until the flag is set: `true`, or `false` if `timeout` passed first
   * (Python's return value). A bare number is the timeout.
   *
   * @example
   * ```ts
   * if (!ready.wait({ timeout: 1000 })) throw new Error('never became ready');
   * ```
   */
  wait(options?: SharedWaitOptions | number): MaybePromise<boolean> {
    if (options === undefined && Atomics.load(this.#i32, FLAG) === 1) return done();
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this.#waitSteps(timeout), signal };
    });
  }

  /** The promise form of `wait()` in every thread: the worker's event loop keeps running. */
  waitAsync(options?: SharedWaitOptions | number): Promise<boolean> {
    if (options === undefined && Atomics.load(this.#i32, FLAG) === 1)
      return done(true) as Promise<boolean>;
    return perform(() => {
      const { timeout, signal } = parseWait(options);
      return { steps: this.#waitSteps(timeout), signal };
    }, true) as Promise<boolean>;
  }

  *#waitSteps(timeout: number): Steps<boolean> {
    const i32 = this.#i32;
    const generation = Atomics.load(i32, GENERATION);
    if (Atomics.load(i32, FLAG) === 1) return true;
    const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
    for (;;) {
      const left = remaining(end);
      if (left <= 0) return Atomics.load(i32, FLAG) === 1;
      yield { i32, index: GENERATION, value: generation, timeout: left };
      if (Atomics.load(i32, GENERATION) !== generation) return true;
    }
  }
}

/**
 * Registers the decoder of `Event` (and, once, the shared transfer handlers), so a
 * Event passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerEvent(): void {
  registerPrimitive('Event', (state) => Event.fromShared(state.buffer));
}
