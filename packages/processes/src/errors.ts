import { ParError } from '@par/async';
import { brand } from '@par/async/internal';
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
  constructor(message = 'The other end of the pipe is closed', options?: ErrorOptions) {
    super(message, 'PAR_EOF', options);
  }
}

// on the prototype: an error rebuilt from the wire (Object.create) carries it too
brand(EOFError, '@par/processes.EOFError');

// an EOFError thrown in a child arrives in the parent as an EOFError
registerErrorClass('PAR_EOF', EOFError);
