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
  // Two entries per queued call: the resolve function of its start gate, then its job
  // (the function itself when called without arguments, else a closure over them).
  // Resolving the gate with the job lets one shared `start` run every queued call.
  const queue = new Deque<unknown>(64);

  const startNext = (): void => {
    active++;
    const open = queue.shift() as (job: unknown) => void;
    open(queue.shift());
  };
  const release = (): void => {
    active--;
    if (queue.length !== 0 && active < max) startNext();
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
  const enqueueGate = (open: (job: unknown) => void): void => {
    queue.push(open);
  };
  // Runs in the caller's async context: the gate's `then` was registered by the caller.
  const start = (job: unknown): Promise<unknown> => {
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
    if (active < max && queue.length === 0) {
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
    // The gate's continuation is registered here, in the caller's async context, so
    // AsyncLocalStorage reaches fn without AsyncResource.bind (p-limit #83).
    const result = new Promise(enqueueGate).then(start);
    if (args.length === 0 && typeof (fn as { then?: unknown }).then !== 'function') {
      queue.push(fn);
    } else {
      // a function with a `then` would be adopted as a thenable by the gate: wrap it
      queue.push(() => fn(...args));
    }
    return result;
  }) as unknown as LimitFunction;

  Object.defineProperties(limiter, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length >>> 1 },
    concurrency: {
      get: () => max,
      set(value: number) {
        max = validateInteger('concurrency', value, { min: 1, allowInfinity: true });
        while (queue.length !== 0 && active < max) startNext();
      },
    },
    clearQueue: {
      value: (): void => {
        const cleared: Cleared = { reason: abortError('The limit queue was cleared') };
        while (queue.length !== 0) {
          const open = queue.shift() as (job: unknown) => void;
          queue.shift();
          open(cleared);
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

/** What a cleared call's gate is opened with. */
interface Cleared {
  reason: unknown;
}

function parseConcurrency(concurrency: unknown): number {
  if (typeof concurrency === 'object' && concurrency !== null) {
    const opts = validateOptions<LimitOptions>('options', concurrency);
    return validateInteger('concurrency', opts.concurrency, { min: 1, allowInfinity: true });
  }
  return validateInteger('concurrency', concurrency, { min: 1, allowInfinity: true });
}
