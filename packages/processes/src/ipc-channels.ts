import { Deque } from '@par/async/internal';
import type { ChannelPort } from '@par/core';

/** A channel message on a Process's IPC connection (`c` set: the channel closed). */
export interface ChannelMessage {
  t: 'par:ch';
  ch: number;
  p?: unknown;
  c?: true;
}

class IpcPort implements ChannelPort {
  #handler: ((message: unknown) => void) | undefined;
  readonly #early = new Deque<unknown>();
  readonly #closeHandlers: (() => void)[] = [];
  #closed = false;

  constructor(
    readonly id: number,
    readonly hub: IpcChannels,
  ) {}

  post(message: unknown): void {
    if (this.#closed) return;
    this.hub.send({ t: 'par:ch', ch: this.id, p: message });
  }

  onMessage(handler: (message: unknown) => void): void {
    this.#handler = handler;
    while (this.#early.length > 0) handler(this.#early.shift());
  }

  onClose(handler: () => void): void {
    if (this.#closed) handler();
    else this.#closeHandlers.push(handler);
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.hub.send({ t: 'par:ch', ch: this.id, c: true });
    } catch {
      // the other side is gone; closing locally is all that is left
    }
    this.closed();
  }

  deliver(message: unknown): void {
    if (this.#closed) return;
    if (this.#handler) this.#handler(message);
    else this.#early.push(message);
  }

  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.hub.forget(this.id);
    for (const handler of this.#closeHandlers.splice(0)) handler();
  }
}

/**
 * Channels (ChannelPort) multiplexed over one Process's IPC connection, so that
 * @par/core's transfer handlers (a Queue, a pipe Connection) work for `Process`
 * arguments as they do for pool tasks. The parent opens channels; the child
 * looks them up by id.
 */
export class IpcChannels {
  readonly #ports = new Map<number, IpcPort>();
  #next = 1;

  constructor(readonly send: (message: ChannelMessage) => void) {}

  open(): { id: number; port: ChannelPort } {
    const id = this.#next++;
    const port = new IpcPort(id, this);
    this.#ports.set(id, port);
    return { id, port };
  }

  /** The child's end of channel `id` (created on first use). */
  port(id: number): ChannelPort {
    let port = this.#ports.get(id);
    if (!port) {
      port = new IpcPort(id, this);
      this.#ports.set(id, port);
    }
    return port;
  }

  /** Routes a `par:ch` message; returns false for any other message. */
  handle(message: unknown): boolean {
    const m = message as ChannelMessage;
    if (typeof m !== 'object' || m === null || m.t !== 'par:ch') return false;
    const port = m.c ? this.#ports.get(m.ch) : (this.port(m.ch) as IpcPort);
    if (m.c) port?.closed();
    else port?.deliver(m.p);
    return true;
  }

  forget(id: number): void {
    this.#ports.delete(id);
  }

  /** The connection is gone: every channel closes. */
  closeAll(): void {
    for (const port of [...this.#ports.values()]) port.closed();
  }
}
