import { validateInteger } from '@par/async/internal';
import { allocate } from './internal.js';

/** Any TypedArray constructor (`Float64Array`, `Int32Array`, `BigInt64Array`, …). */
export type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

type Element<C extends TypedArrayConstructor> =
  InstanceType<C> extends BigInt64Array | BigUint64Array ? bigint : number;

/**
 * `multiprocessing.Array` for threads: a TypedArray on a new SharedArrayBuffer,
 * zero-filled or filled from `init`. Passed to a task it is the same memory in
 * the worker (no copy, no handler needed). Updates such as `a[i] += 1` are not
 * atomic: guard them with a `Lock` or use `Atomics.add` on integer arrays.
 *
 * @param Type The TypedArray constructor.
 * @param lengthOrValues A length, or the initial values.
 *
 * @example
 * ```ts
 * const totals = sharedArray(Float64Array, 4);
 * const counts = sharedArray(Int32Array, [0, 0, 0]);
 * await pool.run(tasks.fill, totals); // the task writes totals[i]
 * console.log(totals[0]);
 * ```
 */
export function sharedArray<C extends TypedArrayConstructor>(
  Type: C,
  lengthOrValues: number | ArrayLike<Element<C>> | Iterable<Element<C>>,
): InstanceType<C> {
  if (typeof Type !== 'function' || typeof Type.BYTES_PER_ELEMENT !== 'number') {
    throw new TypeError(
      `Expected \`Type\` to be a TypedArray constructor such as Float64Array, got ${String(Type)}`,
    );
  }
  const values =
    typeof lengthOrValues === 'number'
      ? undefined
      : Array.from(lengthOrValues as Iterable<Element<C>>);
  const length =
    values === undefined ? validateInteger('length', lengthOrValues, { min: 0 }) : values.length;
  const buffer = allocate(length * Type.BYTES_PER_ELEMENT);
  // biome-ignore lint/suspicious/noExplicitAny: the union of TypedArray constructors has no common signature
  const array = new (Type as any)(buffer) as InstanceType<C>;
  // biome-ignore lint/suspicious/noExplicitAny: same union
  if (values !== undefined) (array as any).set(values);
  return array;
}
