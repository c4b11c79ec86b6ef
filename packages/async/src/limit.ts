import { abortError } from './abort.js';
import { Deque } from './deque.js';
import { validateFunction, validateInteger, validateOptions } from './validate.js';

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
  // two entries per queued call: the resolve then the reject of its start gate
  const queue = new Deque<(value?: unknown) => void>(64);

  const release = (): void => {
    active--;
    if (queue.length !== 0 && active < max) {
      active++;
      (queue.shift() as () => void)();
      queue.shift();
    }
  };
  const onFulfilled = <T>(value: T): T => {
    release();
    return value;
  };
  const onRejected = (error: unknown): never => {
    release();
    throw error;
  };
  const enqueueGate = (
    resolve: (value?: unknown) => void,
    reject: (reason: unknown) => void,
  ): void => {
    queue.push(resolve);
    queue.push(reject);
  };
  const run = <R>(
    fn: (...args: unknown[]) => R | PromiseLike<R>,
    args: unknown[],
  ): Promise<Awaited<R>> => {
    let result: R | PromiseLike<R>;
    try {
      result = fn(...args);
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(onFulfilled, onRejected) as Promise<Awaited<R>>;
  };

  const limiter = (<R>(
    fn: (...args: unknown[]) => R | PromiseLike<R>,
    ...args: unknown[]
  ): Promise<Awaited<R>> => {
    if (typeof fn !== 'function') {
      return Promise.reject(
        new TypeError(`Expected \`fn\` to be a function, got ${String(fn)} (${typeof fn})`),
      );
    }
    if (active < max && queue.length === 0) {
      active++;
      return run(fn, args);
    }
    // The gate's continuation is registered here, in the caller's async context, so
    // AsyncLocalStorage reaches fn without AsyncResource.bind (p-limit #83).
    return new Promise(enqueueGate).then(() => run(fn, args));
  }) as LimitFunction;

  Object.defineProperties(limiter, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length >>> 1 },
    concurrency: {
      get: () => max,
      set(value: number) {
        max = validateInteger('concurrency', value, { min: 1, allowInfinity: true });
        while (queue.length !== 0 && active < max) {
          active++;
          (queue.shift() as () => void)();
          queue.shift();
        }
      },
    },
    clearQueue: {
      value: (): void => {
        const reason = abortError('The limit queue was cleared');
        while (queue.length !== 0) {
          queue.shift();
          (queue.shift() as (reason: unknown) => void)(reason);
        }
      },
    },
    map: {
      value: <T, R>(iterable: Iterable<T>, fn: (item: T, index: number) => R | PromiseLike<R>) => {
        validateFunction('fn', fn);
        const calls: Promise<Awaited<R>>[] = [];
        let index = 0;
        for (const item of iterable)
          calls.push(limiter(fn as (...a: unknown[]) => R, item, index++));
        return Promise.all(calls);
      },
    },
  });
  return limiter;
}

function parseConcurrency(concurrency: unknown): number {
  if (typeof concurrency === 'object' && concurrency !== null) {
    const opts = validateOptions<LimitOptions>('options', concurrency);
    return validateInteger('concurrency', opts.concurrency, { min: 1, allowInfinity: true });
  }
  return validateInteger('concurrency', concurrency, { min: 1, allowInfinity: true });
}
