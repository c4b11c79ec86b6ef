import { abortError, onAbort } from './abort.js';
import { type Clock, systemClock } from './clock.js';
import { Deque } from './deque.js';
import {
  optionMessage,
  validateInteger,
  validateNumber,
  validateOptions,
  validateSignal,
} from './validate.js';

/** Options of {@link RateLimiter} and {@link throttle}. */
export interface RateLimiterOptions {
  /** How many calls may start per `interval`: a positive integer. */
  limit: number;
  /** The window in milliseconds: a finite number > 0. */
  interval: number;
  /**
   * `false`: fixed windows — up to `limit` calls start at once, then the next window
   * opens `interval` ms after the first of them (cheap; can burst up to 2×limit
   * across a window edge). `true`: a sliding window — never more than `limit` calls in
   * any `interval` ms.
   * @default false
   */
  strict?: boolean;
  /**
   * Aborting it rejects every waiting call with `signal.reason`; later calls reject at once.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Where time comes from; tests can pass their own, or use fake timers with the default.
   * @default systemClock (Date.now and the global setTimeout, read at every call)
   */
  clock?: Clock;
}

/** Options of {@link RateLimiter.acquire}. */
export interface RateAcquireOptions {
  /**
   * Withdraws this call: it rejects with `signal.reason` and does not use up a slot.
   * @default undefined
   */
  signal?: AbortSignal;
}

interface Ticket {
  resolve: () => void;
  reject: (reason: unknown) => void;
  removeAbort: () => void;
}

/**
 * Starts at most `limit` calls per `interval` ms (p-throttle's rule, with a queue).
 * Calls wait in FIFO order; a call withdrawn through its signal frees its place and
 * never counts against the limit.
 *
 * @example
 * ```ts
 * const api = new RateLimiter({ limit: 5, interval: 1000, strict: true });
 * const users = await Promise.all(ids.map((id) => api.schedule(() => fetchUser(id))));
 * ```
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #interval: number;
  readonly #strict: boolean;
  readonly #clock: Clock;
  readonly #signal: AbortSignal | undefined;
  #queue = new Deque<Ticket>();
  // strict: start times of the last `limit` grants; fixed: the current window
  #grants = new Deque<number>();
  #windowStart = Number.NEGATIVE_INFINITY;
  #windowCount = 0;
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    if (options === undefined) {
      throw new TypeError(optionMessage('options', 'an options object', options));
    }
    const opts = validateOptions<RateLimiterOptions>('options', options);
    this.#limit = validateInteger('limit', opts.limit, { min: 1 });
    this.#interval = validateNumber('interval', opts.interval, { min: 0 });
    if (this.#interval === 0)
      throw new RangeError(optionMessage('interval', 'a finite number > 0', 0));
    if (opts.strict !== undefined && typeof opts.strict !== 'boolean') {
      throw new TypeError(optionMessage('strict', 'a boolean', opts.strict));
    }
    this.#strict = opts.strict ?? false;
    this.#signal = validateSignal('signal', opts.signal);
    const clock = opts.clock ?? systemClock;
    if (
      typeof clock !== 'object' ||
      clock === null ||
      typeof clock.now !== 'function' ||
      typeof clock.setTimeout !== 'function' ||
      typeof clock.clearTimeout !== 'function'
    ) {
      throw new TypeError(
        optionMessage('clock', 'an object with now, setTimeout and clearTimeout', clock),
      );
    }
    this.#clock = clock;
    onAbort(this.#signal, () => this.clearQueue(this.#signal?.reason));
  }

  /** The `limit` option. */
  get limit(): number {
    return this.#limit;
  }

  /** The `interval` option. */
  get interval(): number {
    return this.#interval;
  }

  /** How many calls wait for a slot. */
  get queueSize(): number {
    return this.#queue.length;
  }

  /**
   * Resolves when the caller may start (in FIFO order). Rejects with `signal.reason`
   * when this call's or the limiter's signal aborts.
   *
   * @example
   * ```ts
   * await limiter.acquire({ signal });
   * await callApi();
   * ```
   */
  acquire(options?: RateAcquireOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      const opts = validateOptions<RateAcquireOptions>('options', options);
      signal = validateSignal('signal', opts.signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#signal?.aborted) return Promise.reject(this.#signal.reason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length === 0 && this.#tryGrant(this.#clock.now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { resolve, reject, removeAbort: () => {} };
      ticket.removeAbort = onAbort(signal, () => {
        this.#queue.remove(ticket);
        reject((signal as AbortSignal).reason);
        this.#drain();
      });
      this.#queue.push(ticket);
      this.#drain();
    });
  }

  /**
   * Waits for a slot, then calls `fn(...args)`; resolves or rejects like it.
   *
   * @example
   * ```ts
   * const page = await limiter.schedule(fetchPage, 3);
   * ```
   */
  async schedule<Args extends unknown[], R>(
    fn: (...args: Args) => R | PromiseLike<R>,
    ...args: Args
  ): Promise<Awaited<R>> {
    // checked before a slot of the window is taken
    if (typeof fn !== 'function') throw new TypeError(optionMessage('fn', 'a function', fn));
    await this.acquire();
    return await fn(...args);
  }

  /** Rejects every waiting call (with `reason`, by default an `AbortError`). */
  clearQueue(reason: unknown = abortError('The rate limiter queue was cleared')): void {
    for (let t = this.#queue.shift(); t !== undefined; t = this.#queue.shift()) {
      t.removeAbort();
      t.reject(reason);
    }
    this.#cancelTimer();
  }

  // Grants a slot at `now` if the rule allows it; returns false otherwise.
  #tryGrant(now: number): boolean {
    if (this.#strict) {
      const grants = this.#grants;
      while (grants.length > 0 && (grants.peek() as number) + this.#interval <= now) grants.shift();
      if (grants.length >= this.#limit) return false;
      grants.push(now);
      return true;
    }
    if (now >= this.#windowStart + this.#interval) {
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    if (this.#windowCount >= this.#limit) return false;
    this.#windowCount++;
    return true;
  }

  // When the next slot opens, given that none is free at `now`.
  #nextSlot(): number {
    return this.#strict
      ? (this.#grants.peek() as number) + this.#interval
      : this.#windowStart + this.#interval;
  }

  #drain(): void {
    const now = this.#clock.now();
    while (this.#queue.length > 0 && this.#tryGrant(now)) {
      const ticket = this.#queue.shift() as Ticket;
      ticket.removeAbort();
      ticket.resolve();
    }
    if (this.#queue.length === 0) {
      this.#cancelTimer();
      return;
    }
    const at = this.#nextSlot();
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#cancelTimer();
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#drain();
      },
      Math.max(0, at - now),
    );
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }
}
