import { ParError } from '@par/async';
import { EOFError } from '@par/processes';
import { describe, expect, it } from 'vitest';

// A child process runs its own copy of this package (the child entry is one
// bundled file), and a task module that imports @par/processes loads a second
// one: `instanceof EOFError` must hold for an EOFError of either copy.
describe('EOFError', () => {
  it('is recognised across copies of the package by its brand', () => {
    // what the other copy's class looks like: its own class, the same brand on its prototype
    class OtherCopyEOFError extends ParError {}
    Object.defineProperty(OtherCopyEOFError.prototype, Symbol.for('@par/processes.EOFError'), {
      value: true,
    });
    expect(new OtherCopyEOFError('gone', 'PAR_EOF')).toBeInstanceOf(EOFError);
  });

  it('an error rebuilt from its prototype (as the wire codec does) is an EOFError', () => {
    const rebuilt = Object.create(EOFError.prototype) as Error;
    expect(rebuilt instanceof EOFError).toBe(true);
    expect(rebuilt instanceof ParError).toBe(true);
  });

  it('other errors are not, not even a ParError with the code PAR_EOF', () => {
    expect(new ParError('gone', 'PAR_EOF')).not.toBeInstanceOf(EOFError);
    expect(new Error('x')).not.toBeInstanceOf(EOFError);
    expect(EOFError[Symbol.hasInstance](null)).toBe(false);
    expect(new EOFError()).toBeInstanceOf(EOFError);
  });

  it('a subclass of your own is tested by its prototype chain, not by the brand', () => {
    class PipeGone extends EOFError {}
    expect(new PipeGone()).toBeInstanceOf(EOFError);
    expect(new PipeGone()).toBeInstanceOf(PipeGone);
    expect(new EOFError()).not.toBeInstanceOf(PipeGone);
  });
});
