import { isThenable, onAbort } from './abort.js';
import { Deque } from './deque.js';
import { TimeoutError } from './errors.js';
import { optionMessage, validateOptions, validateSignal, validateTimeout } from './validate.js';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /**
   * Milliseconds, counted from the call, after which iteration throws a
   * `TimeoutError` if inputs are still pending (`as_completed(timeout=)`).
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Stops iteration: the pending `next()` rejects with `signal.reason`.
   * @default undefined
   */
  signal?: AbortSignal;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Yields the results of `promises` in the order they settle (`asyncio.as_completed`).
 * A rejection is thrown from the loop when its turn comes; leaving the loop early
 * is fine (the remaining promises are still observed, so none becomes an unhandled
 * rejection).
 *
 * @example
 * ```ts
 * for await (const page of asCompleted(urls.map((u) => fetchText(u)), { timeout: 5000 })) {
 *   console.log(page.length);
 * }
 * ```
 */
export function asCompleted<T>(
  promises: Iterable<T | PromiseLike<T>>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<Awaited<T>>;
/** Inputs of different types: yields the union of their values. */
export function asCompleted<I>(
  promises: Iterable<I>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<Awaited<I>>;
export function asCompleted<T>(
  promises: Iterable<T | PromiseLike<T>>,
  options?: AsCompletedOptions,
): AsyncIterableIterator<Awaited<T>> {
  const opts = validateOptions<AsCompletedOptions>('options', options);
  const timeout = validateTimeout('timeout', opts.timeout);
  const signal = validateSignal('signal', opts.signal);
  if (promises == null || typeof (promises as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(optionMessage('promises', 'an iterable', promises));
  }
  const list = Array.from(promises);
  const state: State<Awaited<T>> = {
    ready: new Deque<Outcome<Awaited<T>>>(),
    failure: undefined,
    wake: undefined,
    timer: undefined,
  };
  const wake = (): void => {
    const w = state.wake;
    state.wake = undefined;
    w?.();
  };
  // observe every input now so that rejections are handled even if the loop stops early
  for (const item of list) {
    if (isThenable<Awaited<T>>(item)) {
      item.then(
        (value) => {
          state.ready.push({ ok: true, value });
          wake();
        },
        (error: unknown) => {
          state.ready.push({ ok: false, error });
          wake();
        },
      );
    } else {
      state.ready.push({ ok: true, value: item as Awaited<T> });
    }
  }
  const fail = (error: unknown): void => {
    state.failure ??= { error };
    wake();
  };
  // like Python, the deadline counts from the call, not from the first next()
  if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY && list.length > 0) {
    state.timer = setTimeout(
      () => fail(new TimeoutError(`asCompleted timed out after ${timeout} ms`)),
      timeout,
    );
  }
  return generate(list.length, state, signal, fail);
}

interface State<T> {
  ready: Deque<Outcome<T>>;
  failure: { error: unknown } | undefined;
  wake: (() => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

async function* generate<T>(
  total: number,
  state: State<T>,
  signal: AbortSignal | undefined,
  fail: (error: unknown) => void,
): AsyncGenerator<T, void, undefined> {
  if (signal?.aborted) fail(signal.reason);
  const removeAbort = onAbort(signal, () => fail((signal as AbortSignal).reason));
  try {
    for (let yielded = 0; yielded < total; yielded++) {
      while (state.ready.length === 0 && state.failure === undefined) {
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
      }
      if (state.failure !== undefined) throw state.failure.error;
      const outcome = state.ready.shift() as Outcome<T>;
      if (!outcome.ok) throw outcome.error;
      yield outcome.value;
    }
  } finally {
    if (state.timer !== undefined) clearTimeout(state.timer);
    removeAbort();
  }
}
