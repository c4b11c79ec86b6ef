import { abortError, noop } from './abort.js';
import { Deque } from './deque.js';
import { isIterable } from './iterate.js';
import { optionMessage, validateInteger, validateOptions } from './validate.js';

/** Options of {@link limit} (a number is short for `{ concurrency }`). */
export interface LimitOptions {
  /**
   * How many calls may run at once: an integer >= 1 or `Infinity`.
   */
  concurrency: number;
}

/** The function {@link limit} returns. */
export interface LimitFunction {
  /**
   * Runs `fn(...args)` when fewer than `concurrency` calls are running, else queues
   * it (FIFO). Resolves or rejects like `fn`.
   */
  <Args extends unknown[], R>(
    fn: (...args: Args) => R | PromiseLike<R>,
    ...args: Args
  ): Promise<Awaited<R>>;
  /** How many calls are running (a queued call counts from the moment its slot is reserved). */
  readonly activeCount: number;
  /** How many calls wait in the queue. */
  readonly pendingCount: number;
  /**
   * The limit; setting it takes effect at once — raising it starts queued calls right away.
   */
  concurrency: number;
  /** Rejects every queued (not yet started) call with an `AbortError`; running calls go on. */
  clearQueue(): void;
  /**
   * Calls `fn(item, index)` for every item through the limiter; resolves in input order.
   *
   * @example
   * ```ts
   * const sizes = await limiter.map(files, (file) => stat(file).then((s) => s.size));
   * ```
   */
  map<T, R>(
    iterable: Iterable<T>,
    fn: (item: T, index: number) => R | PromiseLike<R>,
  ): Promise<Array<Awaited<R>>>;
}

/**
 * Limits how many async calls run at once (p-limit's API). A call starts
 * synchronously when a slot is free; otherwise it is queued FIFO and started when a
 * slot frees, in the caller's AsyncLocalStorage context. `clearQueue()` never
 * leaves a promise pending: queued calls reject with an `AbortError`.
 *
 * @example
 * ```ts
 * const limiter = limit(8);
 * const pages = await Promise.all(urls.map((url) => limiter(fetchText, url)));
 * limiter.concurrency = 16; // takes effect at once
 * ```
 */
export function limit(concurrency: number | LimitOptions): LimitFunction {
  let max = parseConcurrency(concurrency);
  let active = 0;
  // A queued call is two promise reactions on a chain of links, one link per queued
  // call: `admit` (on the link before its own) reserves its slot, or holds the chain
  // until a slot frees; `start` (on its own link) runs it. The caller registers both
  // at once, so `start` runs in the caller's AsyncLocalStorage context without
  // AsyncResource.bind and with no per-call resolver functions: a queued call holds two
  // promises and two reactions. Only the call at the head of the chain waits on a
  // promise of its own.
  const pending = new Deque<Job | Cleared>(64);
  // how many entries of `pending` stand for cleared calls
  let cleared = 0;
  // how many queued jobs already hold a slot (raising `concurrency` reserves them at
  // once); they are the first `reserved` jobs of `pending`
  let reserved = 0;
  let tail: Promise<Job | Cleared | undefined> = IDLE;
  // resolves the head link's wait with its job, once `release` reserved it a slot
  let wake: ((job: Job) => void) | null = null;

  const holdChain = (resolve: (job: Job) => void): void => {
    wake = resolve;
  };
  const admit = (): Job | Cleared | Promise<Job> => {
    const head = pending.peek();
    if (typeof head !== 'function') {
      cleared--;
      return pending.shift() as Cleared;
    }
    if (reserved !== 0) {
      reserved--;
      return pending.shift() as Job;
    }
    if (active < max) {
      active++;
      return pending.shift() as Job;
    }
    return new Promise(holdChain);
  };
  const wakeHead = (): void => {
    const resolve = wake as (job: Job) => void;
    wake = null;
    active++;
    resolve(pending.shift() as Job);
  };
  const release = (): void => {
    active--;
    if (wake !== null && active < max) wakeHead();
  };
  const onFulfilled = <T>(value: T): T => {
    release();
    return value;
  };
  const onRejected = (error: unknown): never => {
    release();
    throw error;
  };
  const settle = (result: unknown): Promise<unknown> =>
    Promise.resolve(result).then(onFulfilled, onRejected);
  const start = (job: Job | Cleared | undefined): Promise<unknown> => {
    // nothing is queued: let go of the last link (it holds the last job); the next
    // queued call starts a new chain
    if (pending.length === 0) tail = IDLE;
    if (typeof job !== 'function') return Promise.reject((job as Cleared).reason);
    let result: unknown;
    try {
      result = job();
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return settle(result);
  };

  const limiter = ((fn: (...args: unknown[]) => unknown, ...args: unknown[]): Promise<unknown> => {
    if (typeof fn !== 'function') {
      return Promise.reject(
        new TypeError(`Expected \`fn\` to be a function, got ${String(fn)} (${typeof fn})`),
      );
    }
    if (active < max && pending.length === 0) {
      active++;
      let result: unknown;
      try {
        result = args.length === 0 ? fn() : fn(...args);
      } catch (error) {
        release();
        return Promise.reject(error);
      }
      return settle(result);
    }
    // a link resolves with its job: a function with a `then` would be adopted as a
    // thenable, so it is wrapped like a call with arguments
    pending.push(
      args.length === 0 && typeof (fn as { then?: unknown }).then !== 'function'
        ? (fn as Job)
        : () => fn(...args),
    );
    tail = tail.then(admit);
    return tail.then(start);
  }) as unknown as LimitFunction;

  Object.defineProperties(limiter, {
    activeCount: { get: () => active },
    pendingCount: { get: () => pending.length - cleared - reserved },
    concurrency: {
      get: () => max,
      set(value: number) {
        max = validateInteger('concurrency', value, { min: 1, allowInfinity: true });
        // the head link takes a slot, the jobs behind it have theirs reserved
        let waiting = pending.length - cleared - reserved;
        if (wake !== null && active < max) {
          wakeHead();
          waiting--;
        }
        for (; waiting !== 0 && active < max; waiting--) {
          active++;
          reserved++;
        }
      },
    },
    clearQueue: {
      value: (): void => {
        const marker: Cleared = { reason: abortError('The limit queue was cleared') };
        // every queued call without a slot becomes the marker: its link passes at once
        // and its `start` rejects
        let keep = reserved;
        for (const entry of pending.drain()) {
          if (typeof entry === 'function' && keep !== 0) {
            keep--;
            pending.push(entry);
          } else if (typeof entry === 'function') {
            cleared++;
            pending.push(marker);
          } else {
            pending.push(entry); // cleared before
          }
        }
        if (wake !== null) {
          const resolve = wake as unknown as (value: Cleared) => void;
          wake = null;
          cleared--;
          resolve(pending.shift() as Cleared);
        }
      },
    },
    map: {
      value: <T, R>(iterable: Iterable<T>, fn: (item: T, index: number) => R | PromiseLike<R>) => {
        // bad arguments reject, as every promise-returning function of @par/async
        if (!isIterable(iterable)) {
          return Promise.reject(new TypeError(optionMessage('iterable', 'an iterable', iterable)));
        }
        if (typeof fn !== 'function') {
          return Promise.reject(new TypeError(optionMessage('fn', 'a function', fn)));
        }
        const calls: Promise<Awaited<R>>[] = [];
        let index = 0;
        try {
          for (const item of iterable)
            calls.push(limiter(fn as (...a: unknown[]) => R, item, index++));
        } catch (error) {
          // the iterable threw: calls already queued run, their outcome is not awaited
          for (const call of calls) call.catch(noop);
          return Promise.reject(error);
        }
        return Promise.all(calls);
      },
    },
  });
  return limiter;
}

/** A queued call's function, its arguments bound. */
type Job = () => unknown;

/** What stands in the queue for a call `clearQueue` rejected. */
interface Cleared {
  reason: unknown;
}

/** The root of every idle limiter's chain of queued calls. */
const IDLE: Promise<undefined> = Promise.resolve(undefined);

function parseConcurrency(concurrency: unknown): number {
  if (typeof concurrency === 'object' && concurrency !== null) {
    const opts = validateOptions<LimitOptions>('options', concurrency);
    return validateInteger('concurrency', opts.concurrency, { min: 1, allowInfinity: true });
  }
  return validateInteger('concurrency', concurrency, { min: 1, allowInfinity: true });
}
