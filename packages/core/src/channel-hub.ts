// Channels multiplexed over a worker's own connection: what
// SerializeContext#openChannel hands to transfer handlers (the queue handle uses
// it), so that every transport gets channels, not only those with MessagePorts.

import { Deque } from '@par/async/internal';
import { Msg } from './protocol.js';
import type { ChannelPort } from './transfer-handlers.js';

type Post = (message: unknown[], transfer?: readonly Transferable[]) => void;

class HubPort implements ChannelPort {
  #handler: ((message: unknown) => void) | undefined;
  #closeHandlers: (() => void)[] = [];
  #buffer = new Deque<unknown>();
  closed = false;

  constructor(
    readonly id: number,
    private readonly hub: ChannelHub,
  ) {}

  post(message: unknown, transfer?: readonly Transferable[]): void {
    if (this.closed) throw new Error('The channel is closed');
    this.hub.send(this.id, 0, message, transfer);
  }

  onMessage(handler: (message: unknown) => void): void {
    this.#handler = handler;
    while (this.#buffer.length > 0) handler(this.#buffer.shift());
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.#closeHandlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.hub.send(this.id, 1, undefined);
    this.closedByPeer();
  }

  deliver(message: unknown): void {
    if (this.#handler) this.#handler(message);
    else this.#buffer.push(message);
  }

  closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.forget(this.id);
    for (const h of this.#closeHandlers.splice(0)) h();
  }
}

/** @internal One per worker connection, on each side. */
export class ChannelHub {
  #ports = new Map<number, HubPort>();
  #next: number;

  /** `parent` picks odd ids, the worker even ones, so both can open channels. */
  constructor(
    private readonly post: Post,
    parent = false,
  ) {
    this.#next = parent ? 1 : 2;
  }

  open(): { id: number; port: ChannelPort } {
    const id = this.#next;
    this.#next += 2;
    return { id, port: this.get(id) };
  }

  get(id: number): ChannelPort {
    let port = this.#ports.get(id);
    if (port === undefined) {
      port = new HubPort(id, this);
      this.#ports.set(id, port);
    }
    return port;
  }

  /** A [CHANNEL, id, kind, payload] message arrived. */
  receive(id: number, kind: number, payload: unknown): void {
    const port = this.#ports.get(id) ?? (kind === 0 ? (this.get(id) as HubPort) : undefined);
    if (port === undefined) return;
    if (kind === 0) port.deliver(payload);
    else port.closedByPeer();
  }

  send(id: number, kind: number, payload: unknown, transfer?: readonly Transferable[]): void {
    this.post([Msg.Channel, id, kind, payload], transfer);
  }

  forget(id: number): void {
    this.#ports.delete(id);
  }

  /** The connection is gone: close every channel. */
  closeAll(): void {
    for (const port of [...this.#ports.values()]) port.closedByPeer();
  }
}
