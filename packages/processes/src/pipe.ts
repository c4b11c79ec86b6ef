import { Connection, LocalBackend } from './connection.js';
import { PipeEnd } from './pipe-end.js';

/**
 * Creates a pipe: two connected {@link Connection}s, each able to send to and
 * receive from the other (Python's `multiprocessing.Pipe()`, duplex). Pass an
 * end to a `Process` or a pool task to talk to it.
 *
 * @example
 * ```ts
 * const [a, b] = Pipe<number>();
 * a.send(42);
 * console.log(await b.recv()); // 42
 * ```
 */
export function Pipe<T = unknown>(): [Connection<T>, Connection<T>] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [new Connection<T>(new LocalBackend(a)), new Connection<T>(new LocalBackend(b))];
}
