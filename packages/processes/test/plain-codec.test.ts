import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { PLAIN, PlainWriter, readPlain } from '../src/plain-codec.js';

/** `value` through the plain encoding, or undefined if the writer refused it. */
function roundTrip(value: unknown): { value: unknown } | undefined {
  const writer = new PlainWriter(8);
  if (!writer.write(value)) {
    expect(writer.length).toBe(0);
    return undefined;
  }
  const payload = Buffer.from(writer.buffer.subarray(0, writer.length));
  expect(payload[0]).toBe(PLAIN);
  return { value: readPlain(payload) };
}

const lone = '\ud800x\udc00';

describe('plain encoding', () => {
  it('round-trips numbers, strings, booleans, null and undefined as v8 does', () => {
    const message = [
      0,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      0.5,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MAX_VALUE,
      '',
      'ascii',
      'ünïcödé ✓ 𝄞',
      lone,
      true,
      false,
      null,
      undefined,
    ];
    const got = roundTrip(message);
    expect(got).toBeDefined();
    expect(got?.value).toEqual(deserialize(serialize(message)));
    const values = got?.value as unknown[];
    expect(Object.is(values[6], -0)).toBe(true);
    expect(values[13]).toBe(lone);
  });

  it('round-trips arrays nested in the message (a batch of calls and their arguments)', () => {
    const run = [1, 0, 7, 2, 0, [500, 'x', [1, 2]], 8, 2, 0, []];
    expect(roundTrip(run)?.value).toEqual(run);
  });

  it('grows its buffer for a large message', () => {
    const large = Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(256, 'x'));
    expect(roundTrip(large)?.value).toEqual(large);
  });

  it('leaves to v8 what it cannot encode exactly, and long batches', () => {
    const holey: unknown[] = [1];
    holey[2] = 3; // index 1 is a hole
    const extra = Object.assign([1, 2], { tag: 'x' });
    const holeAndExtra: unknown[] = Object.assign([1], { tag: 'x' });
    holeAndExtra[2] = 3; // as many keys as elements, one of them not an index
    class MyArray extends Array {}
    let deep: unknown[] = [1];
    for (let i = 0; i < 6; i++) deep = [deep];
    for (const value of [
      [new Uint8Array(2)],
      [new Date(0)],
      [1n],
      ['x'.repeat(1000)],
      [holey],
      [extra],
      [holeAndExtra],
      [Array.from({ length: 100 }, (_, i) => i)],
      Array.from({ length: 1000 }, (_, i) => i), // a long batch: v8 is faster there
      [MyArray.from([1])],
      deep,
      'not an array',
    ]) {
      expect(roundTrip(value)).toBeUndefined();
    }
  });

  it('round-trips plain objects as v8 does, their keys in the same order', () => {
    const message = {
      t: 'par:boot',
      boot: { workerId: 2, concurrency: 1 },
      mixed: { b: 1, 10: 'ten', a: [1, { deep: null }], 2: undefined, '': true },
    };
    const got = roundTrip(message)?.value as typeof message;
    expect(got).toEqual(deserialize(serialize(message)));
    expect(Object.keys(got.mixed)).toEqual(Object.keys(deserialize(serialize(message)).mixed));
    expect(Object.getPrototypeOf(got.boot)).toBe(Object.prototype);
    // keys an object literal takes for something else are its own data properties
    const tricky = { constructor: 1, toString: 'x', hasOwnProperty: null };
    const back = roundTrip([tricky])?.value as [typeof tricky];
    expect(back[0]).toEqual(tricky);
    expect(Object.hasOwn(back[0], 'constructor')).toBe(true);
  });

  it('leaves to v8 every object it cannot write exactly, calling no accessor nor Proxy trap', () => {
    let calls = 0;
    const trapped = new Proxy(
      { a: 1 },
      {
        getPrototypeOf(target) {
          calls++;
          return Object.getPrototypeOf(target);
        },
        ownKeys(target) {
          calls++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const accessor = {
      get a() {
        calls++;
        return 1;
      },
    };
    class Point {
      x = 1;
    }
    const args = (function (..._: unknown[]) {
      // biome-ignore lint/complexity/noArguments: the object under test
      return arguments;
    })(1, 2);
    const wide = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    for (const value of [
      accessor,
      [accessor],
      new Point(),
      [Object.create(null)],
      [new Proxy({ a: 1 }, {})],
      [trapped],
      [args],
      JSON.parse('{"__proto__": 1}'),
      [wide],
      { a: { b: { c: { d: { e: 1 } } } } },
      [new Error('x')],
    ]) {
      expect(roundTrip(value)).toBeUndefined();
    }
    expect(calls).toBe(0);
    // what v8 does with the same values: some become other values, some throw
    expect(() => serialize([args])).toThrow();
    expect(() => serialize([new Proxy({ a: 1 }, {})])).toThrow();
    expect(deserialize(serialize(new Point()))).toEqual({ x: 1 });
  });

  it('leaves to v8 a message in which one object occurs twice, so that it arrives as one object', () => {
    const shared = { a: 1 };
    expect(roundTrip([1, 0, shared, shared])).toBeUndefined();
    expect(roundTrip({ x: shared, y: [shared] })).toBeUndefined();
    const { x, y } = deserialize(serialize({ x: shared, y: shared }));
    expect(x).toBe(y);
  });

  it('leaves to v8 a message in which one array occurs twice, so that it arrives as one array', () => {
    const shared = [1, 2];
    expect(roundTrip([1, 0, [shared, shared]])).toBeUndefined();
    expect(roundTrip([1, 0, [shared], [shared]])).toBeUndefined();
    const [a, b] = deserialize(serialize([shared, shared])) as unknown[][];
    expect(a).toBe(b);
    // the same array in the next message is no repeat
    const writer = new PlainWriter(8);
    expect(writer.write([shared])).toBe(true);
    expect(writer.write([shared])).toBe(true);
  });

  it('keeps what was written before a message it refused', () => {
    const writer = new PlainWriter(8);
    expect(writer.write([1, 'a'])).toBe(true);
    const before = Buffer.from(writer.buffer.subarray(0, writer.length));
    expect(writer.write([2, new Date(0)])).toBe(false);
    expect(Buffer.from(writer.buffer.subarray(0, writer.length)).equals(before)).toBe(true);
  });

  it('reports a corrupt payload instead of returning garbage', () => {
    expect(() => readPlain(Buffer.from([PLAIN, 99]))).toThrow(/corrupt frame/);
    // an object whose key is not a string: a number (tag 1) where the key should be
    const numberKey = Buffer.from([PLAIN, 9, 1, 0, 0, 0, 1, 7, 0, 0, 0, 6]);
    expect(() => readPlain(numberKey)).toThrow(/corrupt frame/);
    // nor a key `__proto__`, which the writer leaves to v8: assigned, it would set the
    // object's prototype
    const key = Buffer.from('__proto__', 'utf16le');
    const protoKey = Buffer.concat([
      Buffer.from([PLAIN, 9, 1, 0, 0, 0, 3, 9, 0, 0, 0]),
      key,
      Buffer.from([6]),
    ]);
    expect(() => readPlain(protoKey)).toThrow(/corrupt frame/);
    // the same bytes with another key of nine characters are a good object
    Buffer.from('__other__', 'utf16le').copy(protoKey, 11);
    expect(readPlain(protoKey)).toEqual({ __other__: null });
  });
});
