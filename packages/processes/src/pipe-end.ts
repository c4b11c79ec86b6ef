import { TimeoutError } from '@par/async';
import { clearTimer, Deque, deferred, setTimer, type Timer } from '@par/async/internal';
import { EOFError } from './errors.js';
import { type Holdable, type HolderCall, releaseToken } from './pipe-holders.js';

interface Receiver {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** The holder waiting: `0` for the parent's own Connection, else a child's token. */
  owner: number;
}

/**
 * One end of a pipe, kept in the process that created the pipe. Its inbox holds
 * what the other end sent. It counts its holders (the local Connection plus one
 * per child it was passed to), like an OS pipe counts file descriptors: the peer
 * sees end-of-file once every holder of this end has closed.
 */
export class PipeEnd implements Holdable {
  peer!: PipeEnd;
  readonly inbox = new Deque<unknown>();
  readonly receivers = new Deque<Receiver>();
  readonly pollers = new Set<() => void>();
  holders = 1;

  get eof(): boolean {
    return this.peer.holders === 0 && this.inbox.length === 0;
  }

  deliver(value: unknown, front = false): void {
    const receiver = this.receivers.shift();
    if (receiver) {
      receiver.resolve(value);
      return;
    }
    if (front) this.inbox.unshift(value);
    else this.inbox.push(value);
    this.#wakePollers();
  }

  #wakePollers(): void {
    for (const wake of [...this.pollers]) wake();
  }

  recv(owner: number, signal?: AbortSignal, timeout?: number): Promise<unknown> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    if (this.peer.holders === 0) return Promise.reject(new EOFError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const d = deferred<unknown>();
    let timer: Timer | undefined;
    const receiver: Receiver = {
      resolve: (value) => {
        cleanup();
        d.resolve(value);
      },
      reject: (reason) => {
        cleanup();
        d.reject(reason);
      },
      owner,
    };
    const onAbort = (): void => {
      if (this.receivers.remove(receiver)) receiver.reject(signal?.reason);
    };
    const cleanup = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimer(timer);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      timer = setTimer(() => {
        if (this.receivers.remove(receiver))
          receiver.reject(new TimeoutError(`Connection.recv() timed out after ${timeout} ms`));
      }, timeout);
    }
    this.receivers.push(receiver);
    return d.promise;
  }

  /** Resolves true when a recv() would not wait (a message, or end-of-file), false at the timeout. */
  poll(timeout: number, signal?: AbortSignal): Promise<boolean> {
    if (this.inbox.length > 0 || this.peer.holders === 0) return Promise.resolve(true);
    if (timeout <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const done = (value: boolean): void => {
        this.pollers.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        if (timer !== undefined) clearTimer(timer);
        resolve(value);
      };
      const wake = (): void => done(true);
      const onAbort = (): void => done(false);
      this.pollers.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== Number.POSITIVE_INFINITY) timer = setTimer(() => done(false), timeout);
    });
  }

  /**
   * Whether the creating process's own Connection counts as a holder. Handing the
   * end to a Process stops that (as if the parent closed its copy, which Python
   * code does after `start()`); using the local copy again makes it count again.
   */
  localCounted = true;

  /** The local copy was handed to a Process. */
  uncountLocal(): void {
    if (!this.localCounted) return;
    this.localCounted = false;
    this.#release();
  }

  /** The local copy is used after a hand-over: it keeps the end open again. */
  recountLocal(): void {
    if (this.localCounted) return;
    this.localCounted = true;
    this.holders++;
  }

  /** One holder closed this end (`owner` 0: the local copy). */
  drop(owner: number): void {
    // Its waiting receives end: nothing it asked for may be handed to it any more.
    for (const receiver of this.receivers.drain()) {
      if (receiver.owner === owner) receiver.reject(new EOFError('The connection is closed'));
      else this.receivers.push(receiver);
    }
    if (owner === 0) {
      if (!this.localCounted) return;
      this.localCounted = false;
    }
    this.#release();
  }

  #release(): void {
    this.holders--;
    if (this.holders === 0) {
      this.peer.#sawPeerClose();
    }
  }

  #sawPeerClose(): void {
    // Nothing more can arrive: whoever waits on an empty inbox gets end-of-file.
    for (const receiver of this.receivers.drain()) receiver.reject(new EOFError());
    this.#wakePollers();
  }

  call(op: string, args: unknown[], context: HolderCall): unknown {
    switch (op) {
      case 'send':
        this.peer.deliver(args[0]);
        return undefined;
      case 'recv':
        return this.recv(context.token, context.signal);
      case 'unrecv':
        this.deliver(args[0], true);
        return undefined;
      case 'poll':
        return this.poll(args[0] as number, context.signal);
      case 'close':
        releaseToken(context.token);
        return undefined;
      default:
        throw new Error(`Unknown pipe operation '${op}'`);
    }
  }

  release(token: number): void {
    this.drop(token);
  }
}
