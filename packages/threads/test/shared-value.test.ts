import { describe, expect, expectTypeOf, it } from 'vitest';
import { Lock, RLock, sharedArray, Value } from '../src/index.js';
import { inWorker } from './shared-helpers.js';

describe('sharedArray', () => {
  it('makes a zero-filled TypedArray on a SharedArrayBuffer', () => {
    const a = sharedArray(Float64Array, 3);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...a]).toEqual([0, 0, 0]);
  });

  it('fills the array from initial values, bigint arrays included', () => {
    expect([...sharedArray(Int32Array, [1, 2, 3])]).toEqual([1, 2, 3]);
    const big = sharedArray(BigInt64Array, [1n, 2n]);
    expectTypeOf(big[0]).toEqualTypeOf<bigint | undefined>();
    expect(big[1]).toBe(2n);
  });

  it('is the same memory in a worker', async () => {
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    await inWorker('lockedIncrements', { lock: lock.buffer, counter, iterations: 5 });
    expect(counter[0]).toBe(5);
  });
});

describe('Value', () => {
  it('holds a number of the given type', () => {
    const v = new Value('f64', 1.5);
    expect(v.value).toBe(1.5);
    v.value = 2.25;
    expect(v.value).toBe(2.25);
    const i = new Value('i32', 7);
    i.value = 2 ** 31; // wraps like an Int32Array element
    expect(i.value).toBe(-(2 ** 31));
    expect(new Value('u8').value).toBe(0);
  });

  it('accepts Python type codes', () => {
    expect(new Value('d', 0.5).type).toBe('f64');
    expect(new Value('i', 3).type).toBe('i32');
  });

  it('holds bigints for 64-bit integer types', () => {
    const v = new Value('i64', 5n);
    expectTypeOf(v.value).toEqualTypeOf<bigint>();
    v.value += 1n;
    expect(v.value).toBe(6n);
    expect(() => {
      (v as unknown as Value<'f64'>).value = 1;
    }).toThrow(TypeError);
  });

  it('has an RLock by default, or the lock it was given', () => {
    expect(new Value('f64').getLock()).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new Value('i32', 0, { lock }).getLock()).toBe(lock);
    expect(() => new Value('i32', 0, { lock: false }).getLock()).toThrow(TypeError);
  });

  it('keeps locked increments from several workers exact', async () => {
    const v = new Value('i32', 0);
    const lock = v.getLock();
    await Promise.all(
      [0, 1, 2].map(() =>
        inWorker('valueIncrements', { buffer: v.buffer, lock: lock.buffer, iterations: 500 }),
      ),
    );
    expect(v.value).toBe(1500);
  });

  it('is rebuilt from its buffer as the same value', () => {
    const v = new Value('u16', 9);
    const same = Value.fromShared('u16', v.buffer);
    same.value = 10;
    expect(v.value).toBe(10);
  });
});
