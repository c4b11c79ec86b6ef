// A compact encoding for the pool's common messages: arrays and plain objects of
// numbers, short strings, booleans, null and undefined (a batch of calls with number
// arguments, a batch of results, the boot record). v8's serializer costs a few µs per
// message whatever its size — a serializer object, a header, a fresh buffer — which
// the pool pays twice per message on each side, and loading node:v8 costs a child
// milliseconds of its start-up; this one writes straight into the channel's output
// buffer. Anything else (class instances, typed arrays, long messages, strings, arrays
// or objects, holes, extra properties, accessors) is left to v8: the encoder gives up
// and the frame is written by v8 instead. v8's payloads start with its version tag
// 0xFF, these with PLAIN, so the reader tells them apart by their first byte.

import { isArgumentsObject, isProxy } from 'node:util/types';

/** The first byte of a payload in this encoding (v8's start with 0xFF). */
export const PLAIN = 0x01;

enum Tag {
  Int = 1,
  Float = 2,
  String = 3,
  True = 4,
  False = 5,
  Null = 6,
  Undefined = 7,
  Array = 8,
  Object = 9,
}

/**
 * Longer messages go through v8: past a few dozen values its per-message cost is
 * amortized, and its C++ loop over a long array of numbers is faster than this one
 * (a batch of 1,024 results: about 20 µs against 90).
 */
const MAX_MESSAGE = 128;
/** Longer strings go through v8, which stores one-byte strings in one byte per character. */
const MAX_STRING = 256;
/** Arrays nested in the message that are longer than this, and objects with more keys, go through v8. */
const MAX_NESTED = 32;
/** Arrays and objects deeper than this go through v8 (which also handles cycles). */
const MAX_DEPTH = 3;

/**
 * A view over `buffer`'s bytes. Numbers are written and read through it: its methods
 * are V8 builtins, where Buffer's `writeInt32LE` and the like are JavaScript, which
 * costs several times more while the code has not been optimized yet (a pool
 * answering a call every few ms runs these lines too rarely for that).
 */
function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A growable output buffer the encoder writes into. */
export class PlainWriter {
  #buffer: Buffer;
  #view: DataView;
  length = 0;

  constructor(size = 16 * 1024) {
    this.#buffer = Buffer.allocUnsafe(size);
    this.#view = viewOf(this.#buffer);
  }

  get buffer(): Buffer {
    return this.#buffer;
  }

  set buffer(buffer: Buffer) {
    this.#buffer = buffer;
    this.#view = viewOf(buffer);
  }

  /** Writes `n` as a big-endian 32-bit unsigned integer at `at` (a frame's length). */
  setUint32BE(at: number, n: number): void {
    this.#view.setUint32(at, n);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /**
   * Appends `value` (a message: an array, or a plain object) in this encoding and
   * returns true, or returns false, leaving the writer as it was, if some part of it
   * is not plain.
   */
  write(value: unknown): boolean {
    const start = this.length;
    let ok = false;
    try {
      if (Array.isArray(value)) {
        if (value.length > MAX_MESSAGE) return false;
        this.reserve(1);
        this.#buffer[this.length++] = PLAIN;
        ok = this.#array(value, 0);
      } else if (typeof value === 'object' && value !== null) {
        this.reserve(1);
        this.#buffer[this.length++] = PLAIN;
        ok = this.#object(value, 0);
      }
      return ok;
    } finally {
      this.#seen.length = 0;
      if (!ok) this.length = start;
    }
  }

  /** The nested arrays and objects of the message being written, to find one that occurs twice. */
  readonly #seen: unknown[] = [];

  #array(array: unknown[], depth: number): boolean {
    const n = array.length;
    // the message itself is built by the pool; nested arrays may be the caller's, and
    // v8 keeps their holes and extra properties: those (and long ones) go through v8
    if (depth > 0 && (n > MAX_NESTED || Object.keys(array).length !== n)) return false;
    // v8 gives an array that occurs twice in a message back as one array: so must we
    if (depth > 0) {
      if (this.#seen.includes(array)) return false;
      this.#seen.push(array);
    }
    if (Object.getPrototypeOf(array) !== Array.prototype) return false;
    this.reserve(5);
    this.#buffer[this.length] = Tag.Array;
    this.#view.setUint32(this.length + 1, n, true);
    this.length += 5;
    for (let i = 0; i < n; i++) {
      const item = array[i];
      // a hole reads as undefined: v8 keeps it a hole
      if (item === undefined && depth > 0 && !(i in array)) return false;
      if (!this.#value(item, depth)) return false;
    }
    return true;
  }

  /**
   * A plain object (`{ ... }`, whose prototype is Object.prototype) with at most
   * MAX_NESTED keys, all of them data properties: what v8 writes of it, its own
   * enumerable string-keyed properties, in their order. An accessor is left to v8, which
   * calls it: calling it here, and again in v8 after a later value was refused, would
   * call it twice. So is a key `__proto__`, which an assignment would take for the
   * object's prototype.
   */
  #object(object: object, depth: number): boolean {
    // v8 refuses a Proxy (asked first: looking at a Proxy would call its traps) and an
    // `arguments` object, whose prototype is Object.prototype too
    if (isProxy(object) || isArgumentsObject(object)) return false;
    if (Object.getPrototypeOf(object) !== Object.prototype) return false;
    if (this.#seen.includes(object)) return false;
    this.#seen.push(object);
    const keys = Object.keys(object);
    const n = keys.length;
    if (n > MAX_NESTED) return false;
    this.reserve(5);
    this.#buffer[this.length] = Tag.Object;
    this.#view.setUint32(this.length + 1, n, true);
    this.length += 5;
    for (let i = 0; i < n; i++) {
      const key = keys[i] as string;
      if (key === '__proto__') return false;
      // an accessor has no `value`: left to v8 before it is called (undefined cannot
      // happen here, no user code ran since Object.keys; the type allows it)
      const property = Object.getOwnPropertyDescriptor(object, key);
      if (property === undefined || !('value' in property)) return false;
      if (!this.#string(key) || !this.#value(property.value, depth)) return false;
    }
    return true;
  }

  #string(value: string): boolean {
    if (value.length > MAX_STRING) return false;
    // UTF-16 code units as they are: lone surrogates survive, as with v8
    this.reserve(5 + 2 * value.length);
    this.#buffer[this.length] = Tag.String;
    this.#view.setUint32(this.length + 1, value.length, true);
    this.length += 5;
    this.length += this.#buffer.write(value, this.length, 'utf16le');
    return true;
  }

  #value(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'number': {
        // -0 is no int32: (value | 0) === value holds for it, 1 / value tells it apart
        if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
          this.reserve(5);
          this.#buffer[this.length] = Tag.Int;
          this.#view.setInt32(this.length + 1, value, true);
          this.length += 5;
        } else {
          this.reserve(9);
          this.#buffer[this.length] = Tag.Float;
          this.#view.setFloat64(this.length + 1, value, true);
          this.length += 9;
        }
        return true;
      }
      case 'string':
        return this.#string(value);
      case 'boolean':
        this.reserve(1);
        this.#buffer[this.length++] = value ? Tag.True : Tag.False;
        return true;
      case 'undefined':
        this.reserve(1);
        this.#buffer[this.length++] = Tag.Undefined;
        return true;
      case 'object':
        if (value === null) {
          this.reserve(1);
          this.#buffer[this.length++] = Tag.Null;
          return true;
        }
        if (depth >= MAX_DEPTH) return false;
        return Array.isArray(value)
          ? this.#array(value, depth + 1)
          : this.#object(value, depth + 1);
      default:
        return false;
    }
  }
}

// the reader's state: decoding never re-enters itself
const empty = Buffer.alloc(0);
const emptyView = viewOf(empty);
let input: Buffer = empty;
let view: DataView = emptyView;
let at = 0;

/** Decodes a payload written by {@link PlainWriter#write} (its first byte is {@link PLAIN}). */
export function readPlain(payload: Buffer): unknown {
  input = payload;
  view = viewOf(payload);
  at = 1;
  try {
    return readValue();
  } finally {
    input = empty;
    view = emptyView;
  }
}

function readValue(): unknown {
  const b = input;
  const tag = b[at++];
  switch (tag) {
    case Tag.Int: {
      at += 4;
      return view.getInt32(at - 4, true);
    }
    case Tag.Float:
      at += 8;
      return view.getFloat64(at - 8, true);
    case Tag.String: {
      const n = view.getUint32(at, true);
      at += 4;
      const s = b.toString('utf16le', at, at + 2 * n);
      at += 2 * n;
      return s;
    }
    case Tag.True:
      return true;
    case Tag.False:
      return false;
    case Tag.Null:
      return null;
    case Tag.Undefined:
      return undefined;
    case Tag.Array: {
      const n = view.getUint32(at, true);
      at += 4;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readValue());
      return out;
    }
    case Tag.Object: {
      const n = view.getUint32(at, true);
      at += 4;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readValue();
        // the writer sends no other keys
        if (typeof key !== 'string' || key === '__proto__') {
          throw new Error(`@par/processes: corrupt frame (an object key at byte ${at})`);
        }
        out[key] = readValue();
      }
      return out;
    }
    default:
      throw new Error(`@par/processes: corrupt frame (tag ${tag} at byte ${at - 1})`);
  }
}
