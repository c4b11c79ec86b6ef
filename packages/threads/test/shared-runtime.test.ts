import { describe, expect, it } from 'vitest';
import { pollingWaitAsync } from '../src/shared/runtime.js';

describe('the polling fallback for engines without Atomics.waitAsync', () => {
  it('answers not-equal at once when the word already differs', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    expect(pollingWaitAsync(i32, 0, 1)).toEqual({ async: false, value: 'not-equal' });
  });

  it('answers timed-out at once for a zero timeout', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    expect(pollingWaitAsync(i32, 0, 0, 0)).toEqual({ async: false, value: 'timed-out' });
  });

  it('resolves ok once the word changes', async () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    const result = pollingWaitAsync(i32, 0, 0);
    expect(result.async).toBe(true);
    Atomics.store(i32, 0, 1);
    await expect(result.value).resolves.toBe('ok');
  });

  it('resolves timed-out when the word never changes', async () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    await expect(pollingWaitAsync(i32, 0, 0, 5).value).resolves.toBe('timed-out');
  });
});
