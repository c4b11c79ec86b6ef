import { isThenable, onAbort } from './abort.js';
import { Deque } from './deque.js';
import { TimeoutError } from './errors.js';
import { validateOptions, validateSignal, validateTimeout } from './validate.js';

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /**
   * Milliseconds, counted from the first `next()`, after which iteration throws a
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
): AsyncIterableIterator<Awaited<T>> {
  const opts = validateOptions<AsCompletedOptions>('options', options);
  const timeout = validateTimeout('timeout', opts.timeout);
  const signal = validateSignal('signal', opts.signal);
  if (promises == null || typeof (promises as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`Expected \`promises\` to be an iterable, got ${String(promises)}`);
  }
  const list = Array.from(promises);
  const ready = new Deque<Outcome<Awaited<T>>>();
  let wake: (() => void) | undefined;
  const push = (outcome: Outcome<Awaited<T>>): void => {
    ready.push(outcome);
    if (wake !== undefined) {
      const w = wake;
      wake = undefined;
      w();
    }
  };
  // observe every input now so that rejections are handled even if the loop stops early
  for (const item of list) {
    if (isThenable<Awaited<T>>(item)) {
      item.then(
        (value) => push({ ok: true, value }),
        (error: unknown) => push({ ok: false, error }),
      );
    } else {
      push({ ok: true, value: item as Awaited<T> });
    }
  }
  return generate(list.length, ready, timeout, signal, (w) => {
    wake = w;
  });
}

async function* generate<T>(
  total: number,
  ready: Deque<Outcome<T>>,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  setWake: (wake: (() => void) | undefined) => void,
): AsyncGenerator<T, void, undefined> {
  let failure: { error: unknown } | undefined;
  let interrupt: (() => void) | undefined;
  const stop = (error: unknown): void => {
    failure ??= { error };
    interrupt?.();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
    timer = setTimeout(
      () => stop(new TimeoutError(`asCompleted timed out after ${timeout} ms`)),
      timeout,
    );
  }
  if (signal?.aborted) stop(signal.reason);
  const removeAbort = onAbort(signal, () => stop((signal as AbortSignal).reason));
  try {
    for (let yielded = 0; yielded < total; yielded++) {
      while (ready.length === 0 && failure === undefined) {
        await new Promise<void>((resolve) => {
          interrupt = resolve;
          setWake(resolve);
        });
        interrupt = undefined;
        setWake(undefined);
      }
      if (failure !== undefined) throw failure.error;
      const outcome = ready.shift() as Outcome<T>;
      if (!outcome.ok) throw outcome.error;
      yield outcome.value;
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    removeAbort();
  }
}
