import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import { validateFunction } from './validate.js';

/** A function wrapped by {@link throttle}. */
export interface ThrottledFunction<Args extends unknown[], R> {
  (...args: Args): Promise<Awaited<R>>;
  /** How many calls wait for a slot. */
  readonly queueSize: number;
  /** The limiter behind it (to share it, or to `clearQueue()`). */
  readonly limiter: RateLimiter;
}

/**
 * Wraps `fn` so that at most `limit` calls start per `interval` ms (p-throttle's API).
 * Extra calls wait in FIFO order; aborting `signal` rejects the waiting ones with `signal.reason`.
 *
 * @example
 * ```ts
 * const search = throttle((q: string) => api.search(q), { limit: 2, interval: 1000 });
 * await Promise.all(['a', 'b', 'c'].map(search)); // the third call starts 1 s later
 * ```
 */
export function throttle<Args extends unknown[], R>(
  fn: (...args: Args) => R | PromiseLike<R>,
  options: RateLimiterOptions,
): ThrottledFunction<Args, R> {
  validateFunction('fn', fn);
  if (fn === undefined) throw new TypeError('Expected `fn` to be a function, got `undefined`');
  const limiter = new RateLimiter(options);
  const throttled = function (this: unknown, ...args: Args): Promise<Awaited<R>> {
    return limiter.schedule(() => fn.apply(this, args));
  } as ThrottledFunction<Args, R>;
  Object.defineProperties(throttled, {
    queueSize: { get: () => limiter.queueSize },
    limiter: { value: limiter },
  });
  return throttled;
}
