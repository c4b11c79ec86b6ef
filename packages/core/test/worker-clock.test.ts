import { describe, expect, it } from 'vitest';
import { now } from '../src/worker/clock.js';

describe("the worker's clock", () => {
  it('counts milliseconds on the clock performance.now() reads', () => {
    // now() is read around performance.now(), so its span holds the other one
    const outerStart = now();
    const innerStart = performance.now();
    while (performance.now() - innerStart < 3) {
      // a span of at least 3 ms
    }
    const innerEnd = performance.now();
    const outerEnd = now();
    expect(outerEnd - outerStart).toBeGreaterThanOrEqual(innerEnd - innerStart);
    // in milliseconds, not seconds or microseconds: no more than a second longer
    expect(outerEnd - outerStart).toBeLessThan(innerEnd - innerStart + 1000);
  });

  it('never goes backwards', () => {
    let last = now();
    for (let i = 0; i < 10_000; i++) {
      const t = now();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});
