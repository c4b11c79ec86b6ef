import { validateOneOf, validateOptions } from '@par/async/internal';
import { allocate, checkBuffer, type DeadThread, kRecover, kToState } from './internal.js';
import { Lock } from './lock.js';
import { fromSharedState, registerPrimitive } from './registry.js';
import { RLock } from './rlock.js';
import type { LockState, SharedState } from './serialize.js';

const types = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
} as const;

// Python's ctypes type codes (multiprocessing.Value('d', 0.0)), for people porting code.
const pythonCodes = {
  b: 'i8',
  B: 'u8',
  h: 'i16',
  H: 'u16',
  i: 'i32',
  I: 'u32',
  f: 'f32',
  d: 'f64',
  q: 'i64',
  Q: 'u64',
} as const;

/** A `Value` type: a TS-style name (`'f64'`) or Python's type code (`'d'`). */
export type ValueType = keyof typeof types | keyof typeof pythonCodes;

type Canonical<T extends ValueType> = T extends keyof typeof pythonCodes
  ? (typeof pythonCodes)[T]
  : T;

/** What `.value` holds: `bigint` for the 64-bit integer types, else `number`. */
export type ValueOf<T extends ValueType> = Canonical<T> extends 'i64' | 'u64' ? bigint : number;

/** Options of `new Value(type, initial, options)`. */
export interface ValueOptions {
  /**
   * The lock `getLock()` returns: `true` makes a new `RLock` (as Python does),
   * or pass an existing `Lock` / `RLock` to share it; `false` makes a raw value
   * (`getLock()` then throws).
   * @default true
   */
  lock?: boolean | Lock | RLock;
}

let adopted: { buffer: SharedArrayBuffer; lock: Lock | RLock | undefined } | undefined;

/**
 * `multiprocessing.Value`: one number in shared memory with a lock. Reading or
 * writing `.value` is atomic for integer types, but `v.value += 1` is a read
 * then a write, so hold `getLock()` around read-modify-write updates.
 *
 * @example
 * ```ts
 * const hits = new Value('i32', 0);
 * // in each task (worker thread):
 * hits.getLock().acquire();
 * try { hits.value += 1; } finally { hits.getLock().release(); }
 * ```
 */
export class Value<T extends ValueType = 'f64'> {
  /** The shared memory holding the number. */
  readonly buffer: SharedArrayBuffer;
  /** The canonical type name (`'f64'`, `'i32'`, …). */
  readonly type: Canonical<T>;
  readonly #array:
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array
    | BigInt64Array
    | BigUint64Array;
  readonly #atomic: boolean;
  readonly #lock: Lock | RLock | undefined;

  /** @internal Frees its lock if a worker that died held it. */
  [kRecover](dead: DeadThread): void {
    this.#lock?.[kRecover](dead);
  }

  /** @internal The plain-data form a transfer handler sends to another thread. */
  [kToState](): SharedState {
    return {
      kind: 'Value',
      buffer: this.buffer,
      type: this.type,
      lock: this.#lock ? (this.#lock[kToState]() as LockState) : null,
    };
  }

  /**
   * @param type `'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64' | 'i64' | 'u64'`
   *   or a Python type code (`'d'`, `'i'`, …).
   * @param initial The starting value. @default 0 (0n for 64-bit integers)
   */
  constructor(type: T, initial?: ValueOf<T>, options?: ValueOptions) {
    registerValue();
    const all = [...Object.keys(types), ...Object.keys(pythonCodes)] as ValueType[];
    const given = validateOneOf('type', type, all);
    const canonical = (
      given in pythonCodes ? pythonCodes[given as keyof typeof pythonCodes] : given
    ) as keyof typeof types;
    this.type = canonical as Canonical<T>;
    const Type = types[canonical];
    this.#atomic = canonical !== 'f32' && canonical !== 'f64';
    if (adopted) {
      this.buffer = checkBuffer('Value', adopted.buffer, Type.BYTES_PER_ELEMENT);
      this.#array = view(Type, this.buffer);
      this.#lock = adopted.lock;
      return;
    }
    const opts = validateOptions<ValueOptions>('options', options);
    const lock = opts.lock ?? true;
    if (typeof lock !== 'boolean' && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError('Expected `lock` to be a boolean, a Lock or an RLock');
    }
    this.#lock = lock === true ? new RLock() : lock === false ? undefined : lock;
    this.buffer = allocate(8);
    this.#array = view(Type, this.buffer);
    if (initial !== undefined) this.value = initial;
  }

  /** The value whose memory is `buffer` (from `value.buffer` in another thread). */
  static fromShared<T extends ValueType>(
    type: T,
    buffer: SharedArrayBuffer,
    lock?: Lock | RLock,
  ): Value<T> {
    adopted = { buffer, lock };
    try {
      return new Value(type);
    } finally {
      adopted = undefined;
    }
  }

  /** The number (atomic load for integer types). */
  get value(): ValueOf<T> {
    const array = this.#array;
    return (this.#atomic ? Atomics.load(array as Int32Array, 0) : array[0]) as ValueOf<T>;
  }

  set value(next: ValueOf<T>) {
    const array = this.#array;
    const is64 = array instanceof BigInt64Array || array instanceof BigUint64Array;
    if (is64 ? typeof next !== 'bigint' : typeof next !== 'number') {
      throw new TypeError(
        `Expected the value of a '${this.type}' Value to be a ${is64 ? 'bigint' : 'number'}, got \`${String(next)}\` (${typeof next})`,
      );
    }
    if (this.#atomic) Atomics.store(array as Int32Array, 0, next as number);
    else array[0] = next as number;
  }

  /**
   * The lock that guards read-modify-write updates (Python's `get_lock()`).
   * Throws for a value made with `{ lock: false }`.
   */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError('This Value was made with `lock: false`: it has no lock');
    return this.#lock;
  }
}

type Ctor = (typeof types)[keyof typeof types];

function view(Type: Ctor, buffer: SharedArrayBuffer): InstanceType<Ctor> {
  // biome-ignore lint/suspicious/noExplicitAny: the union of TypedArray constructors has no common signature
  return new (Type as any)(buffer, 0, 1);
}

/**
 * Registers the decoder of `Value` (and, once, the shared transfer handlers), so a
 * Value passed to or from another thread arrives as a working one.
 * @internal
 */
export function registerValue(): void {
  registerPrimitive('Value', (state) =>
    Value.fromShared(
      state.type,
      state.buffer,
      state.lock ? (fromSharedState(state.lock) as Lock | RLock) : undefined,
    ),
  );
}
