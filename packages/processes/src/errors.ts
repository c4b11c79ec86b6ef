import { ParError } from '@par/async';
import { registerErrorClass } from '@par/core/remote';

const eofBrand = Symbol.for('@par/processes.EOFError');

/**
 * `Connection#recv()` found nothing left to read and no end can ever send again:
 * the peer closed (or its process exited) after everything it sent was received,
 * or this end was closed. Mirrors Python's `EOFError` from `Connection.recv()`.
 *
 * @example
 * ```ts
 * const [a, b] = Pipe();
 * a.send('last');
 * a.close();
 * await b.recv(); // 'last'
 * await b.recv().catch((err) => err instanceof EOFError); // true
 * ```
 */
export class EOFError extends ParError {
  /**
   * True for an EOFError of any copy of this package: a child process runs its own
   * copy (the child entry is one bundled file), so an EOFError raised there by a
   * pipe end is still an `instanceof EOFError` imported by the task's module.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [eofBrand]?: unknown })[eofBrand] === true
    );
  }

  constructor(message = 'The other end of the pipe is closed', options?: ErrorOptions) {
    super(message, 'PAR_EOF', options);
  }
}

// on the prototype: an error rebuilt from the wire (Object.create) carries it too
Object.defineProperty(EOFError.prototype, eofBrand, { value: true });

// an EOFError thrown in a child arrives in the parent as an EOFError
registerErrorClass('PAR_EOF', EOFError);
