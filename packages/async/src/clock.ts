import { clearTimer, setTimer, type Timer } from './timer.js';

/**
 * The source of time for rate limits and other timed waits. The default reads
 * `globalThis` at every call, so `vi.useFakeTimers()` installed after a limiter
 * was built still applies; pass your own to drive time by hand.
 *
 * @example
 * ```ts
 * let now = 0;
 * const timers: Array<() => void> = [];
 * const clock: Clock = {
 *   now: () => now,
 *   setTimeout: (fn) => timers.push(fn),
 *   clearTimeout: () => {},
 * };
 * ```
 */
export interface Clock {
  /** Milliseconds, monotonic enough for intervals. */
  now(): number;
  /** Schedules `callback` after `ms` milliseconds and returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a handle returned by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/**
 * The default clock: `Date.now`, and `setTimeout` and `clearTimeout` looked up on each
 * call (a delay longer than setTimeout keeps, about 24.8 days, waits in steps).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ limit: 1, interval: 100, clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimer(callback, ms),
  clearTimeout: (handle) => clearTimer(handle as Timer),
};
