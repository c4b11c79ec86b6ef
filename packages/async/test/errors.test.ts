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

/** An object shaped like an instance of another copy of the package: the brands on its prototype. */
function fromOtherCopy(...brands: string[]): object {
  class OtherCopyError extends Error {}
  for (const name of brands) {
    Object.defineProperty(OtherCopyError.prototype, Symbol.for(name), { value: true });
  }
  return new OtherCopyError('from the other copy');
}

describe('error classes across copies of @par/async', () => {
  test('an error of another copy is an instance of its class here, and of ParError', () => {
    const timeout = fromOtherCopy('@par/async.ParError', '@par/async.TimeoutError');
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(timeout).toBeInstanceOf(ParError);
    expect(timeout).not.toBeInstanceOf(CancelledError);
    expect(fromOtherCopy('@par/async.ParError', '@par/async.CancelledError')).toBeInstanceOf(
      CancelledError,
    );
    expect(fromOtherCopy('@par/async.ParError', '@par/async.BrokenBarrierError')).toBeInstanceOf(
      BrokenBarrierError,
    );
  });

  test('an error without the brand is not, whatever its code or name', () => {
    const lookalike = Object.assign(new Error('x'), { code: 'PAR_TIMEOUT', name: 'TimeoutError' });
    expect(lookalike).not.toBeInstanceOf(TimeoutError);
    expect(lookalike).not.toBeInstanceOf(ParError);
    expect(new CancelledError()).not.toBeInstanceOf(TimeoutError);
    expect(TimeoutError[Symbol.hasInstance](null)).toBe(false);
    expect(TimeoutError[Symbol.hasInstance]('PAR_TIMEOUT')).toBe(false);
  });

  test('a subclass of your own tests by its prototype chain, as usual', () => {
    class QuotaError extends ParError {}
    const quota = new QuotaError('over quota', 'APP_QUOTA');
    expect(quota).toBeInstanceOf(QuotaError);
    expect(quota).toBeInstanceOf(ParError);
    expect(new ParError('x', 'PAR_X')).not.toBeInstanceOf(QuotaError);
    expect(new TimeoutError()).not.toBeInstanceOf(QuotaError);
  });
});
