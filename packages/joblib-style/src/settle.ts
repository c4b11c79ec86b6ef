// Batch helpers shared by the built-in backends.

const failedIndex = new WeakMap<object, number>();

/**
 * Resolves with all results in order, or rejects with the first failure (in time),
 * recording which call of the batch failed. Every promise gets a handler, so a
 * later rejection is never unhandled.
 */
export function settleBatch(promises: readonly Promise<unknown>[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const n = promises.length;
    const results = new Array<unknown>(n);
    let left = n;
    let failed = false;
    if (n === 0) resolve(results);
    promises.forEach((promise, i) => {
      promise.then(
        (value) => {
          results[i] = value;
          if (--left === 0 && !failed) resolve(results);
        },
        (error: unknown) => {
          if (failed) return;
          failed = true;
          markFailedIndex(error, i);
          reject(error);
        },
      );
    });
  });
}

/** Records that `error` came from call `index` of its batch. */
export function markFailedIndex(error: unknown, index: number): void {
  if (typeof error === 'object' && error !== null) failedIndex.set(error, index);
}

/** Which call of its batch `error` came from, when a built-in backend recorded it. */
export function failedIndexOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? failedIndex.get(error) : undefined;
}

const uncloneable = new WeakMap<object, { argument: number; reason: string }>();

/** Records that `error` came from argument `argument` of its call, which could not be cloned. */
export function markUncloneableArgument(error: unknown, argument: number, reason: string): void {
  if (typeof error === 'object' && error !== null) uncloneable.set(error, { argument, reason });
}

/** The argument of the failed call that could not be cloned, when a built-in backend found it. */
export function uncloneableArgumentOf(
  error: unknown,
): { argument: number; reason: string } | undefined {
  return typeof error === 'object' && error !== null ? uncloneable.get(error) : undefined;
}
