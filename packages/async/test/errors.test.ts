import { describe, expect, test } from 'vitest';
import { BrokenBarrierError, CancelledError, ParError, TimeoutError } from '../src/index.js';

describe('error classes', () => {
  test('TimeoutError and CancelledError are ParErrors with their code and name', () => {
    const e = new TimeoutError();
    expect(e).toBeInstanceOf(ParError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('PAR_TIMEOUT');
    expect(e.name).toBe('TimeoutError');
    const c = new CancelledError();
    expect(c.code).toBe('PAR_CANCELLED');
    expect(c.name).toBe('CancelledError');
    expect(new BrokenBarrierError()).toBeInstanceOf(ParError);
  });
});
