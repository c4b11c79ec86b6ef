import { noop, onAbort } from './abort.js';
import { optionMessage } from './validate.js';

/** A sync or async iterator plus which kind it is, so sync input is read without awaiting. */
export interface InputIterator<T> {
  iterator: Iterator<T | PromiseLike<T>> | AsyncIterator<T>;
  sync: boolean;
}

/** Whether `value` has a `Symbol.asyncIterator` method. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** Whether `value` has a `Symbol.iterator` method. */
export function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function'
  );
}

/**
 * Whether `value` is an async iterable (`true`) or a sync one (`false`); anything
 * else is a TypeError: ``Expected `iterable` to be an iterable or async iterable, got null``.
 */
export function checkIterable(value: unknown): boolean {
  if (isAsyncIterable(value)) return true;
  if (isIterable(value)) return false;
  throw new TypeError(
    `Expected \`iterable\` to be an iterable or async iterable, got ${
      value === null ? 'null' : typeof value
    }`,
  );
}

/** Opens `input` (an iterable or async iterable); throws a TypeError naming `name` otherwise. */
export function openInput<T>(
  name: string,
  input: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
): InputIterator<T> {
  if (input != null) {
    const asyncOpen = (input as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof asyncOpen === 'function') {
      return { iterator: asyncOpen.call(input), sync: false };
    }
    const syncOpen = (input as Iterable<T>)[Symbol.iterator];
    if (typeof syncOpen === 'function') return { iterator: syncOpen.call(input), sync: true };
  }
  throw new TypeError(optionMessage(name, 'an iterable or async iterable', input));
}

/** Closes an iterator that was not read to the end; errors from `return()` are ignored. */
export function closeInput(iterator: Iterator<unknown> | AsyncIterator<unknown>): void {
  try {
    const result = iterator.return?.();
    if (result !== undefined && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(undefined, () => {});
    }
  } catch {
    // a broken return() must not hide the real outcome
  }
}

/**
 * Reads an async input to its end. An abort rejects at once with `signal.reason`,
 * also while the input waits for its next item, and closes the input without
 * waiting: an async generator's `return()` would wait for the pending `next()`.
 */
export async function readAllInput(
  iterable: AsyncIterable<unknown>,
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  const iterator = iterable[Symbol.asyncIterator]();
  const items: unknown[] = [];
  if (signal === undefined) {
    for (;;) {
      const r = await iterator.next();
      if (r.done) return items;
      items.push(r.value);
    }
  }
  // one listener for the whole read; it rejects the wait for the current item
  let rejectWait: (reason: unknown) => void = noop;
  const removeAbort = onAbort(signal, () => rejectWait(signal.reason));
  try {
    for (;;) {
      const r = await new Promise<IteratorResult<unknown>>((resolve, reject) => {
        rejectWait = reject;
        Promise.resolve(iterator.next()).then(resolve, reject);
      });
      if (r.done) return items;
      items.push(r.value);
    }
  } catch (error) {
    if (signal.aborted) closeInput(iterator);
    throw error;
  } finally {
    removeAbort();
  }
}
