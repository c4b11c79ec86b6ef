import { describe, expect, it } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  Semaphore,
  sharedArray,
  Value,
} from '../src/index.js';

describe('shared primitive option validation', () => {
  it('rejects a negative or non-numeric timeout', async () => {
    const lock = new Lock();
    await expect(lock.acquire({ timeout: -1 })).rejects.toThrow(RangeError);
    await expect(lock.acquire({ timeout: '5' as unknown as number })).rejects.toThrow(
      'Expected `timeout` to be a finite number >= 0 or Infinity, got `"5"` (string)',
    );
    await expect(new Event().wait({ timeout: Number.NaN })).rejects.toThrow(TypeError);
  });

  it('rejects a non-object options bag and a non-signal signal', async () => {
    const lock = new Lock();
    await expect(lock.acquire('x' as never)).rejects.toThrow(TypeError);
    await expect(lock.acquire({ signal: {} as AbortSignal })).rejects.toThrow(
      'Expected `signal` to be an AbortSignal',
    );
    await expect(lock.acquire({ blocking: 1 as unknown as boolean })).rejects.toThrow(TypeError);
  });

  it('validates Semaphore values and release counts', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(() => new BoundedSemaphore('2' as unknown as number)).toThrow(TypeError);
    expect(() => new Semaphore().release(0)).toThrow(RangeError);
  });

  it('validates Barrier parties and timeout', () => {
    expect(() => new Barrier(0)).toThrow('Expected `parties` to be an integer from 1');
    expect(() => new Barrier(2, { timeout: -5 })).toThrow(RangeError);
  });

  it('validates the Condition lock and notify count', async () => {
    expect(() => new Condition({} as Lock)).toThrow(TypeError);
    const cond = new Condition();
    await cond.acquire();
    expect(() => cond.notify(-1)).toThrow(RangeError);
    await expect(cond.waitFor('x' as unknown as () => boolean)).rejects.toThrow(TypeError);
    cond.release();
  });

  it('validates Value types, values and locks', () => {
    expect(() => new Value('x' as 'f64')).toThrow(RangeError);
    expect(() => new Value('i32', 'a' as unknown as number)).toThrow(TypeError);
    expect(() => new Value('i32', 0, { lock: {} as Lock })).toThrow(TypeError);
  });

  it('validates sharedArray arguments', () => {
    expect(() => sharedArray(Array as never, 2)).toThrow(TypeError);
    expect(() => sharedArray(Int32Array, -1)).toThrow(RangeError);
  });

  it('rejects fromShared() of something that is not a big enough SharedArrayBuffer', () => {
    expect(() => Lock.fromShared(new ArrayBuffer(4) as unknown as SharedArrayBuffer)).toThrow(
      TypeError,
    );
    expect(() => Barrier.fromShared(new SharedArrayBuffer(4))).toThrow(RangeError);
  });

  it('never mutates the caller options object', async () => {
    const options = Object.freeze({ timeout: 0 });
    await new Lock().acquire(options);
    expect(new Barrier(1, Object.freeze({ timeout: 5 })).parties).toBe(1);
  });
});
