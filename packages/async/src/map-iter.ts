import { isThenable, onAbort } from './abort.js';
import { Deque } from './deque.js';
import { closeInput, type InputIterator, openInput } from './iterate.js';
import {
  optionMessage,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateOptions,
  validateSignal,
} from './validate.js';

/** Options of {@link mapIter}. */
export interface MapIterOptions {
  /**
   * How many mapper calls may be in flight at once (running, or finished but not yet
   * yielded): an integer >= 1 or `Infinity`. Input is read only to fill free slots.
   * @default Infinity
   */
  concurrency?: number;
  /**
   * `true`: yield in input order. `false`: yield each result as soon as it is ready,
   * so one slow item does not hold back the others.
   * @default true
   */
  ordered?: boolean;
  /**
   * Stops the iteration: the pending `next()` rejects with `signal.reason` and the input is closed.
   * @default undefined
   */
  signal?: AbortSignal;
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

function settle<T, R>(
  item: T | PromiseLike<T>,
  index: number,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
): Promise<Outcome<Awaited<R>>> {
  const call = (value: T): R | PromiseLike<R> => mapper(value, index);
  let result: Promise<Awaited<R>>;
  try {
    result = Promise.resolve(isThenable<T>(item) ? item.then(call) : call(item)) as Promise<
      Awaited<R>
    >;
  } catch (error) {
    return Promise.resolve({ ok: false, error });
  }
  return result.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/**
 * Maps `input` through `mapper(item, index)` as a stream: an async iterable of the
 * results with at most `concurrency` calls in flight. Leaving the loop (`break`,
 * `return`, an error) closes the input iterator and reads nothing more; calls still
 * running finish in the background and their results are dropped.
 *
 * @example
 * ```ts
 * for await (const row of mapIter(readLines(file), parseRow, { concurrency: 4, ordered: false })) {
 *   if (row.done) break; // the input stops here
 * }
 * ```
 */
export function mapIter<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  options?: MapIterOptions,
): AsyncIterableIterator<Awaited<R>>;
/** Input of mixed promise types: the mapper receives the union of their values. */
export function mapIter<I, R>(
  input: Iterable<I> | AsyncIterable<I>,
  mapper: (item: Awaited<I>, index: number) => R | PromiseLike<R>,
  options?: MapIterOptions,
): AsyncIterableIterator<Awaited<R>>;
export function mapIter<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  options?: MapIterOptions,
): AsyncIterableIterator<Awaited<R>> {
  const opts = validateOptions<MapIterOptions>('options', options);
  validateFunction('mapper', mapper);
  if (mapper === undefined) throw new TypeError(optionMessage('mapper', 'a function', mapper));
  const concurrency = validateInteger('concurrency', opts.concurrency ?? Number.POSITIVE_INFINITY, {
    min: 1,
    allowInfinity: true,
  });
  const ordered = validateBoolean('ordered', opts.ordered, true);
  const signal = validateSignal('signal', opts.signal);
  if (
    input == null ||
    (typeof (input as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function' &&
      typeof (input as Iterable<T>)[Symbol.iterator] !== 'function')
  ) {
    throw new TypeError(optionMessage('input', 'an iterable or async iterable', input));
  }
  return run(input, mapper, concurrency, ordered, signal);
}

async function* run<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  concurrency: number,
  ordered: boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<Awaited<R>, void, undefined> {
  if (signal?.aborted) throw signal.reason;
  const source: InputIterator<T> = openInput('input', input);
  const { iterator, sync } = source;
  let inputDone = false;
  let index = 0;
  // ordered: promises in input order; unordered: outcomes in completion order
  const inFlight = new Deque<Promise<Outcome<Awaited<R>>>>();
  const ready = new Deque<Outcome<Awaited<R>>>();
  let running = 0;
  let wake: (() => void) | undefined;
  let aborted: Promise<never> | undefined;
  let removeAbort = (): void => {};
  if (signal !== undefined) {
    aborted = new Promise<never>((_, reject) => {
      removeAbort = onAbort(signal, () => {
        reject(signal.reason);
      });
    });
    aborted.catch(() => {});
  }
  const raceAbort = <V>(promise: Promise<V>): Promise<V> =>
    aborted === undefined ? promise : Promise.race([promise, aborted]);

  const pull = async (): Promise<boolean> => {
    const step = sync
      ? (iterator as Iterator<T | PromiseLike<T>>).next()
      : await raceAbort(Promise.resolve((iterator as AsyncIterator<T>).next()));
    if (step.done) {
      inputDone = true;
      return false;
    }
    const outcome = settle(step.value, index++, mapper);
    if (ordered) {
      inFlight.push(outcome);
    } else {
      running++;
      outcome.then((o) => {
        running--;
        ready.push(o);
        const w = wake;
        wake = undefined;
        w?.();
      });
    }
    return true;
  };

  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const busy = (): number => (ordered ? inFlight.length : running + ready.length);
      while (!inputDone && busy() < concurrency) {
        if (!(await pull())) break;
        if (signal?.aborted) throw signal.reason;
      }
      let outcome: Outcome<Awaited<R>>;
      if (ordered) {
        const head = inFlight.shift();
        if (head === undefined) return;
        outcome = await raceAbort(head);
      } else {
        if (ready.length === 0) {
          if (running === 0) return;
          await raceAbort(
            new Promise<void>((resolve) => {
              wake = resolve;
            }),
          );
        }
        outcome = ready.shift() as Outcome<Awaited<R>>;
      }
      if (!outcome.ok) throw outcome.error;
      yield outcome.value;
    }
  } finally {
    removeAbort();
    if (!inputDone) {
      inputDone = true;
      closeInput(iterator);
    }
  }
}
