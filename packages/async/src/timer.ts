// Timers for any delay. setTimeout keeps a delay in a signed 32-bit integer: a longer
// one (above 2 ** 31 - 1 ms, about 24.8 days) fires at once — after 1 ms in Node,
// with a TimeoutOverflowWarning — so a `timeout` of a month would expire immediately.
// setTimer chains timers for such delays; shorter ones are plain timers.

/** The longest delay (ms) one setTimeout keeps. */
export const MAX_TIMER_MS = 2_147_483_647;

const LONG = Symbol.for('@par/async.longTimer');

type Handle = ReturnType<typeof setTimeout>;

/** A delay longer than {@link MAX_TIMER_MS}, as a chain of timers of at most that long. */
class LongTimer {
  readonly [LONG] = true;
  #handle: Handle | undefined;
  #refed = true;

  constructor(callback: () => void, ms: number) {
    this.#arm(callback, ms);
  }

  #arm(callback: () => void, left: number): void {
    const step = Math.min(left, MAX_TIMER_MS);
    this.#handle = setTimeout(() => {
      if (left > step) this.#arm(callback, left - step);
      else callback();
    }, step);
    if (!this.#refed) (this.#handle as { unref?: () => void }).unref?.();
  }

  clear(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** As a Node timer's: the timer no longer keeps the program alive. */
  unref(): this {
    this.#refed = false;
    (this.#handle as { unref?: () => void } | undefined)?.unref?.();
    return this;
  }

  ref(): this {
    this.#refed = true;
    (this.#handle as { ref?: () => void } | undefined)?.ref?.();
    return this;
  }

  hasRef(): boolean {
    return this.#refed;
  }
}

/** What {@link setTimer} returns: a timer handle, for {@link clearTimer}. */
export type Timer = Handle | LongTimer;

/**
 * `setTimeout` for any finite delay: one longer than {@link MAX_TIMER_MS} waits that
 * long, in steps, instead of firing at once. Looks `setTimeout` up at each call, so
 * fake timers apply. The handle has `unref()` where the platform's timers do.
 */
export function setTimer(callback: () => void, ms: number): Timer {
  return ms > MAX_TIMER_MS ? new LongTimer(callback, ms) : setTimeout(callback, ms);
}

/** Cancels a timer {@link setTimer} returned (any copy of this module's). */
export function clearTimer(timer: Timer | undefined): void {
  if (timer === undefined) return;
  if (typeof timer === 'object' && timer !== null && LONG in timer) {
    (timer as LongTimer).clear();
    return;
  }
  clearTimeout(timer as Handle);
}
