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
   * How many mapper calls may run at once: an integer >= 1 or `Infinity`. They keep
   * running while the consumer is busy with a result, as far as `backpressure` allows.
   * @default Infinity
   */
  concurrency?: number;
  /**
   * How many items may be started but not yet consumed (running, or finished and
   * waiting for the consumer): an integer >= `concurrency` or `Infinity`, as in
   * p-map's `pMapIterable`. Input is read only while there is room.
   * @default concurrency
   */
  backpressure?: number;
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
 * results with `concurrency` calls running whenever input and room allow, also while
 * the consumer is busy; at most `backpressure` results wait unconsumed. Leaving the loop (`break`,
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
  const backpressure = validateInteger('backpressure', opts.backpressure ?? concurrency, {
    min: 1,
    allowInfinity: true,
  });
  if (backpressure < concurrency) {
    throw new RangeError(
      optionMessage('backpressure', `a number >= concurrency (${concurrency})`, backpressure),
    );
  }
  const ordered = validateBoolean('ordered', opts.ordered, true);
  const signal = validateSignal('signal', opts.signal);
  if (
    input == null ||
    (typeof (input as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function' &&
      typeof (input as Iterable<T>)[Symbol.iterator] !== 'function')
  ) {
    throw new TypeError(optionMessage('input', 'an iterable or async iterable', input));
  }
  return run(input, mapper, concurrency, backpressure, ordered, signal);
}

/** One started item: its outcome once the mapper settled. */
interface Slot<R> {
  outcome: Outcome<R> | undefined;
}

async function* run<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  concurrency: number,
  backpressure: number,
  ordered: boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<Awaited<R>, void, undefined> {
  if (signal?.aborted) throw signal.reason;
  const source: InputIterator<T> = openInput('input', input);
  const { iterator, sync } = source;
  let inputDone = false;
  let inputFailure: { error: unknown } | undefined;
  let stopped = false;
  let pulling = false;
  let index = 0;
  let running = 0;
  // ordered: every started item in input order; unordered: settled items in completion order
  const started = new Deque<Slot<Awaited<R>>>();
  const ready = new Deque<Slot<Awaited<R>>>();
  // started and not yet handed to the consumer
  let unconsumed = 0;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const changed = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  const start = (item: T | PromiseLike<T>): void => {
    const slot: Slot<Awaited<R>> = { outcome: undefined };
    running++;
    unconsumed++;
    if (ordered) started.push(slot);
    settle(item, index++, mapper).then((outcome) => {
      running--;
      slot.outcome = outcome;
      if (!ordered) ready.push(slot);
      notify();
      fill();
    });
  };
  const room = (): boolean =>
    !stopped && !inputDone && running < concurrency && unconsumed < backpressure;
  const endInput = (failure?: { error: unknown }): void => {
    inputDone = true;
    inputFailure ??= failure;
    notify();
  };
  // starts mappers while there is input and room; one read of the input at a time
  const fill = (): void => {
    if (pulling) return;
    if (sync) {
      while (room()) {
        let step: IteratorResult<T | PromiseLike<T>>;
        try {
          step = (iterator as Iterator<T | PromiseLike<T>>).next();
        } catch (error) {
          endInput({ error });
          return;
        }
        if (step.done) {
          endInput();
          return;
        }
        start(step.value);
      }
      return;
    }
    if (!room()) return;
    pulling = true;
    let next: Promise<IteratorResult<T>>;
    try {
      next = Promise.resolve((iterator as AsyncIterator<T>).next());
    } catch (error) {
      pulling = false;
      endInput({ error });
      return;
    }
    next.then(
      (step) => {
        pulling = false;
        if (step.done) {
          endInput();
          return;
        }
        if (stopped) return;
        start(step.value);
        fill();
      },
      (error: unknown) => {
        pulling = false;
        endInput({ error });
      },
    );
  };

  let aborted: Promise<never> | undefined;
  let removeAbort = (): void => {};
  if (signal !== undefined) {
    aborted = new Promise<never>((_, reject) => {
      removeAbort = onAbort(signal, () => {
        stopped = true;
        reject(signal.reason);
      });
    });
    aborted.catch(() => {});
  }
  const raceAbort = <V>(promise: Promise<V>): Promise<V> =>
    aborted === undefined ? promise : Promise.race([promise, aborted]);

  try {
    fill();
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const head = ordered ? started.peek() : ready.peek();
      if (head?.outcome !== undefined) {
        if (ordered) started.shift();
        else ready.shift();
        unconsumed--;
        fill();
        const { outcome } = head;
        if (!outcome.ok) throw outcome.error;
        yield outcome.value;
        continue;
      }
      if (inputFailure !== undefined && (ordered ? started.length : ready.length) === 0) {
        throw inputFailure.error;
      }
      if (inputDone && !pulling && unconsumed === 0) {
        if (inputFailure !== undefined) throw inputFailure.error;
        return;
      }
      await raceAbort(changed());
    }
  } finally {
    stopped = true;
    removeAbort();
    if (!inputDone) {
      inputDone = true;
      closeInput(iterator);
    }
  }
}
