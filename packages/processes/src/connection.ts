import { TimeoutError } from '@par/async';
import {
  brand,
  clearTimer,
  setTimer,
  type Timer,
  validateOptions,
  validateSignal,
  validateTimeout,
} from '@par/async/internal';
import type { RemoteClient } from '@par/core/remote';
import { findLostInstance, lostInstanceReason, NotCloneableError } from '@par/core/worker';
import { EOFError } from './errors.js';
import type { PipeEnd } from './pipe-end.js';
import { retain } from './pipe-holders.js';

/** Options of {@link Connection.recv}. */
export interface RecvOptions {
  /** Stops waiting: the call rejects with `signal.reason`, and no message is taken. */
  signal?: AbortSignal;
  /** Milliseconds to wait for a message before rejecting with `TimeoutError`. @default Infinity */
  timeout?: number;
}

/** @internal How a Connection reaches its pipe: directly, or through the parent. */
export interface ConnectionBackend {
  send(value: unknown): void;
  recv(signal: AbortSignal | undefined, timeout: number | undefined): Promise<unknown>;
  poll(timeout: number): Promise<boolean>;
  close(): void;
  /** A new holder token for a child that receives this end. */
  holderToken(): number;
  /** The local copy was handed to a Process (local ends only). */
  handOver?(): void;
}

export class LocalBackend implements ConnectionBackend {
  constructor(readonly end: PipeEnd) {}

  send(value: unknown): void {
    // Like pickling at send time: later changes to `value` do not reach the receiver,
    // and a value that cannot cross a process boundary fails here, in the sender.
    const copy = structuredClone(value);
    this.end.recountLocal();
    this.end.peer.deliver(copy);
  }

  recv(signal: AbortSignal | undefined, timeout: number | undefined): Promise<unknown> {
    this.end.recountLocal();
    return this.end.recv(0, signal, timeout);
  }

  poll(timeout: number): Promise<boolean> {
    this.end.recountLocal();
    return this.end.poll(timeout);
  }

  handOver(): void {
    this.end.uncountLocal();
  }

  close(): void {
    this.end.drop(0);
  }

  holderToken(): number {
    this.end.holders++;
    return retain(this.end);
  }
}

export class RemoteBackend implements ConnectionBackend {
  constructor(
    readonly client: RemoteClient,
    readonly onClose?: () => void,
  ) {}

  send(value: unknown): void {
    this.client.notify('send', [value]);
  }

  recv(signal: AbortSignal | undefined, timeout: number | undefined): Promise<unknown> {
    let timer: Timer | undefined;
    let controller: AbortController | undefined;
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      controller = new AbortController();
      const c = controller;
      timer = setTimer(
        () => c.abort(new TimeoutError(`Connection.recv() timed out after ${timeout} ms`)),
        timeout,
      );
    }
    const combined =
      controller && signal
        ? AbortSignal.any([signal, controller.signal])
        : (controller?.signal ?? signal);
    const result = this.client.request('recv', [], {
      signal: combined,
      // an abort raced with a delivery: hand the message back to the front of the inbox
      onLateValue: (late) => this.client.notify('unrecv', [late]),
    });
    if (timer !== undefined) {
      const t = timer;
      result.then(
        () => clearTimer(t),
        () => clearTimer(t),
      );
    }
    return result;
  }

  poll(timeout: number): Promise<boolean> {
    return this.client.request('poll', [timeout]);
  }

  close(): void {
    try {
      this.client.notify('close', []);
    } catch {
      // the parent is gone, and with it the pipe
    }
    this.onClose?.();
  }

  holderToken(): number {
    throw new TypeError(
      'A Connection received from the parent cannot be passed on to another process; pass the parent-side end instead',
    );
  }
}

/**
 * One end of a {@link Pipe}: `send()` values to the other end, `recv()` what it
 * sent, in order. Like Python's `multiprocessing.connection.Connection`, either
 * end can be passed as an argument to a `Process` or a pool task; the child's
 * copy works the same way and closes when the child exits.
 *
 * @example
 * ```ts
 * const [parentEnd, childEnd] = Pipe<string>();
 * const child = new Process(tasks.greet, { args: [childEnd] }).start();
 * childEnd.close(); // the child holds its own copy now
 * console.log(await parentEnd.recv());
 * await child.join();
 * ```
 */
export class Connection<T = unknown> {
  readonly #backend: ConnectionBackend;
  #closed = false;

  /** @internal Use {@link Pipe}. */
  constructor(backend: ConnectionBackend) {
    this.#backend = backend;
  }

  /** Whether this end was closed with {@link Connection.close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a copy of `value` (anything the structured clone algorithm accepts) to
   * the other end. Never waits. Throws `EOFError` after `close()`, and a
   * `DataCloneError` for a value that cannot be copied.
   *
   * @example
   * ```ts
   * conn.send({ progress: 0.5 });
   * ```
   */
  send(value: T): void {
    if (this.#closed) throw new EOFError('Cannot send on a closed connection');
    // a class instance with no own data (#private fields) would arrive as {}: refused,
    // as a pool refuses it for an argument
    const lost = findLostInstance(value, 'the value');
    if (lost !== undefined) {
      throw new NotCloneableError(
        `Connection.send(): ${lost.path} (an instance of class ${lost.className}) cannot be sent: ${lostInstanceReason(lost)}`,
      );
    }
    this.#backend.send(value);
  }

  /**
   * The next value the other end sent. Waits while the pipe is open and empty;
   * rejects with `EOFError` once the other end is closed and everything it sent
   * was received (or when this end is closed).
   *
   * @example
   * ```ts
   * const message = await conn.recv({ timeout: 1000 });
   * ```
   */
  recv(options?: RecvOptions): Promise<T> {
    try {
      const opts = validateOptions<RecvOptions>('options', options, ['signal', 'timeout']);
      const signal = validateSignal('signal', opts.signal);
      const timeout = validateTimeout('timeout', opts.timeout);
      if (this.#closed) return Promise.reject(new EOFError('The connection is closed'));
      return this.#backend.recv(signal, timeout) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Whether a `recv()` would return at once (a value is waiting, or the other
   * end is closed), waiting up to `timeout` ms for that to become true.
   * Python's `Connection.poll(timeout)`.
   *
   * @default timeout 0
   * @example
   * ```ts
   * if (await conn.poll(100)) console.log(await conn.recv());
   * ```
   */
  poll(timeout = 0): Promise<boolean> {
    try {
      const ms = validateTimeout('timeout', timeout) ?? 0;
      if (this.#closed) return Promise.reject(new EOFError('The connection is closed'));
      return this.#backend.poll(ms);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Closes this end (this process's copy of it). Once every copy of an end is
   * closed, the other end's `recv()` gets `EOFError` after the values already
   * sent. Idempotent.
   *
   * @example
   * ```ts
   * conn.send('bye');
   * conn.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#backend.close();
  }

  /** `close()`, for `using conn = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal This end was passed to a Process: the local copy stops keeping it open. */
  handOver(): void {
    if (!this.#closed) this.#backend.handOver?.();
  }

  /** @internal A new holder token for a child that receives this end. */
  toHolderToken(): number {
    if (this.#closed) throw new EOFError('Cannot pass a closed connection to another process');
    return this.#backend.holderToken();
  }
}

// a pipe end a task receives in a child (which runs a bundled copy of this package)
// is still an `instanceof Connection` of the task's module, and a pool it starts
// recognises it
brand(Connection, '@par/processes.Connection');

/** @internal A child's copy of a pipe end, served by the parent through `client`. */
export function remoteConnection(client: RemoteClient, onClose?: () => void): Connection {
  return new Connection(new RemoteBackend(client, onClose));
}
