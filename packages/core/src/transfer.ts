// `transfer(value, list)`: a zero-copy marker for task arguments and results.

const brand = Symbol.for('@par/core.transfer');

/** A value wrapped by {@link transfer}: sent with its transfer list, unwrapped on arrival. */
export interface Transfer<T> {
  readonly [brand]: true;
  readonly value: T;
  readonly transferList: readonly Transferable[];
}

/**
 * Marks a task argument or result to be sent with a transfer list: the listed
 * `ArrayBuffer`s / `MessagePort`s move to the other side instead of being copied
 * (and become unusable on this side). The receiver sees `value` itself.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(1 << 20);
 * await pool.run(t.checksum, transfer(bytes, [bytes.buffer]));
 * // in a task: return transfer(result, [result.buffer]);
 * ```
 */
export function transfer<T>(value: T, transferList: readonly Transferable[]): T {
  if (!Array.isArray(transferList)) {
    throw new TypeError('Expected `transferList` to be an array of transferable objects');
  }
  // Typed as T so that `pool.run(task, transfer(buf, [buf.buffer]))` type-checks.
  return { [brand]: true, value, transferList } as Transfer<T> as unknown as T;
}

/** @internal Whether `value` was made by {@link transfer}. */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return (
    typeof value === 'object' && value !== null && (value as Transfer<unknown>)[brand] === true
  );
}
