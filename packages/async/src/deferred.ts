/** A promise with its resolve and reject functions (Promise.withResolvers is Node 22+). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

/**
 * Creates a {@link Deferred}.
 *
 * @example
 * ```ts
 * const gate = deferred<void>();
 * setTimeout(() => gate.resolve(), 10);
 * await gate.promise;
 * ```
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: Deferred<T>['resolve'];
  let reject!: Deferred<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
