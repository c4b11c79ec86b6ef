import { ParError } from '@par/async';
import { brand, isBrandedInstance } from '@par/async/internal';
import { registerErrorClass } from '@par/core/remote';

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
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about, a subclass too
    return isBrandedInstance(this, value);
  }

  constructor(message = 'The other end of the pipe is closed', options?: ErrorOptions) {
    super(message, 'PAR_EOF', options);
  }
}

// on the prototype: an error rebuilt from the wire (Object.create) carries it too
brand(EOFError, '@par/processes.EOFError');

// an EOFError thrown in a child arrives in the parent as an EOFError
registerErrorClass('PAR_EOF', EOFError);
