import { isThenable, onAbort } from './abort.js';
import { closeInput, openInput } from './iterate.js';
import {
  optionMessage,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateOptions,
  validateSignal,
} from './validate.js';

/** Options of {@link map}. */
export interface MapOptions {
  /**
   * How many mapper calls may run at once: an integer >= 1 or `Infinity`. The input is
   * read lazily, at most `concurrency` items ahead of the finished ones.
   * @default Infinity
   */
  concurrency?: number;
  /**
   * Stops the map: it rejects with `signal.reason`, reads no more input and closes the input iterator.
   * Mapper calls already running are not interrupted.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * `true`: reject with the first error and stop reading input. `false`: map every item,
   * then reject with an `AggregateError` of all errors (if any).
   * @default true
   */
  stopOnError?: boolean;
}

/**
 * Maps `input` through `mapper(item, index)` with bounded concurrency and resolves
 * with the results in input order (p-map's API). Input may be an iterable or an
 * async iterable (items may be promises); it is pulled lazily, one item per free slot.
 *
 * @example
 * ```ts
 * const sizes = await map(files, async (file) => (await stat(file)).size, { concurrency: 8 });
 * ```
 */
export function map<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  options?: MapOptions,
): Promise<Array<Awaited<R>>>;
/** Input of mixed promise types: the mapper receives the union of their values. */
export function map<I, R>(
  input: Iterable<I> | AsyncIterable<I>,
  mapper: (item: Awaited<I>, index: number) => R | PromiseLike<R>,
  options?: MapOptions,
): Promise<Array<Awaited<R>>>;
export function map<T, R>(
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
  mapper: (item: T, index: number) => R | PromiseLike<R>,
  options?: MapOptions,
): Promise<Array<Awaited<R>>> {
  let concurrency: number;
  let signal: AbortSignal | undefined;
  let stopOnError: boolean;
  let source: ReturnType<typeof openInput<T>>;
  try {
    const opts = validateOptions<MapOptions>('options', options);
    validateFunction('mapper', mapper);
    if (mapper === undefined) throw new TypeError(optionMessage('mapper', 'a function', mapper));
    concurrency = validateInteger('concurrency', opts.concurrency ?? Number.POSITIVE_INFINITY, {
      min: 1,
      allowInfinity: true,
    });
    signal = validateSignal('signal', opts.signal);
    stopOnError = validateBoolean('stopOnError', opts.stopOnError, true);
    if (signal?.aborted) return Promise.reject(signal.reason);
    source = openInput('input', input);
  } catch (error) {
    return Promise.reject(error);
  }
  const { iterator, sync } = source;

  return new Promise<Array<Awaited<R>>>((resolve, reject) => {
    const results: Array<Awaited<R>> = [];
    const errors: unknown[] = [];
    let nextIndex = 0;
    let workers = 0;
    let inputDone = false;
    let stopped = false;
    let pulling: Promise<unknown> = Promise.resolve();

    const stop = (error: unknown): void => {
      if (stopped) return;
      stopped = true;
      removeAbort();
      if (!inputDone) closeInput(iterator);
      reject(error);
    };
    const removeAbort = onAbort(signal, () => stop((signal as AbortSignal).reason));
    const workerDone = (): void => {
      if (--workers !== 0 || stopped || !inputDone) return;
      stopped = true;
      removeAbort();
      if (errors.length > 0)
        reject(new AggregateError(errors, `${errors.length} of the mapper calls failed`));
      else resolve(results);
    };
    // async iterators are read one next() at a time, in order
    const pullAsync = (): Promise<IteratorResult<T>> => {
      const step = pulling.then(() => (iterator as AsyncIterator<T>).next());
      pulling = step.then(undefined, () => {});
      return step;
    };

    const worker = async (): Promise<void> => {
      try {
        for (;;) {
          if (stopped || inputDone) return;
          let step: IteratorResult<T | PromiseLike<T>>;
          try {
            step = sync ? (iterator as Iterator<T>).next() : await pullAsync();
          } catch (error) {
            inputDone = true;
            stop(error);
            return;
          }
          if (stopped) return;
          if (step.done) {
            inputDone = true;
            return;
          }
          const index = nextIndex++;
          // after an async pull, widen to the next worker; sync input is widened by the loop below
          if (!sync && workers < concurrency) spawn();
          try {
            let item = step.value;
            if (isThenable<T>(item)) item = await item;
            const result = mapper(item as T, index);
            results[index] = (isThenable(result) ? await result : result) as Awaited<R>;
          } catch (error) {
            if (stopOnError) {
              stop(error);
              return;
            }
            errors.push(error);
          }
        }
      } finally {
        workerDone();
      }
    };
    const spawn = (): void => {
      workers++;
      void worker();
    };
    if (sync) {
      // each worker reads its first item synchronously, so inputDone is known here
      while (workers < concurrency && !inputDone && !stopped) spawn();
    } else {
      spawn();
    }
  });
}
