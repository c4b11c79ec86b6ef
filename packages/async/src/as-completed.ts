import { isThenable, onAbort } from './abort.js';
import { Deque } from './deque.js';
import { TimeoutError } from './errors.js';
import { clearTimer, setTimer, type Timer } from './timer.js';
import { optionMessage, validateOptions, validateSignal, validateTimeout } from './validate.js';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /**
   * Milliseconds, counted from the call, after which iteration throws a
   * `TimeoutError` if inputs are still pending (`as_completed(timeout=)`): the
   * results that have arrived are yielded first.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Stops iteration: the `next()` that would wait for a result rejects with
   * `signal.reason` (the results that have arrived are yielded first).
   * @default undefined
   */
  signal?: AbortSignal;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Yields the results of `promises` in the order they settle (`asyncio.as_completed`).
 * A rejection is thrown from the loop when its turn comes; leaving the loop early
 * is fine (the remaining promises are still observed, so none becomes an unhandled
 * rejection). After the timeout or an abort the loop still yields every result that
 * has arrived when it asks for the next one, and throws the `TimeoutError` or
 * `signal.reason` when it would have to wait; once every input settled, the timeout
 * no longer applies, however slowly the loop reads. A promise given twice is yielded
 * once, as in Python (plain values are yielded each time).
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
  let pending = 0;
  const arrive = (outcome: Outcome<Awaited<T>>): void => {
    state.ready.push(outcome);
    // once every input settled there is nothing left to time out, however slowly the loop reads
    if (--pending === 0 && state.timer !== undefined) {
      clearTimer(state.timer);
      state.timer = undefined;
    }
    wake();
  };
  // observe every input now so that rejections are handled even if the loop stops early;
  // a promise given twice is one input, as in Python (as_completed takes set(fs))
  const seen = new Set<unknown>();
  let duplicates = 0;
  for (const item of list) {
    if (isThenable<Awaited<T>>(item)) {
      if (seen.has(item)) {
        duplicates++;
        continue;
      }
      seen.add(item);
      pending++;
      item.then(
        (value) => arrive({ ok: true, value }),
        (error: unknown) => arrive({ ok: false, error }),
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
  if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY && pending > 0) {
    state.timer = setTimer(() => {
      state.timer = undefined;
      fail(new TimeoutError(`asCompleted timed out after ${timeout} ms`));
    }, timeout);
  }
  return generate(list.length - duplicates, state, signal, fail);
}

interface State<T> {
  ready: Deque<Outcome<T>>;
  failure: { error: unknown } | undefined;
  wake: (() => void) | undefined;
  timer: Timer | undefined;
}

async function* generate<T>(
  total: number,
  state: State<T>,
  signal: AbortSignal | undefined,
  fail: (error: unknown) => void,
): AsyncGenerator<T, void, undefined> {
  const removeAbort = onAbort(signal, () => fail((signal as AbortSignal).reason));
  try {
    // a signal that aborted before the loop began stops it at once, as every wait does
    if (signal?.aborted) throw signal.reason;
    for (let yielded = 0; yielded < total; yielded++) {
      while (state.ready.length === 0 && state.failure === undefined) {
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
      }
      // every result that arrived is yielded before the deadline's or the abort's error
      if (state.ready.length === 0) throw (state.failure as { error: unknown }).error;
      const outcome = state.ready.shift() as Outcome<T>;
      if (!outcome.ok) throw outcome.error;
      yield outcome.value;
    }
  } finally {
    if (state.timer !== undefined) clearTimer(state.timer);
    removeAbort();
  }
}
