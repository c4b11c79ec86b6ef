// The handle's side of the remote-handle layer: numbered requests to the owner,
// their replies, cancellation, and what happens when the channel closes.
import { deferred, onAbort } from '@par/async/internal';
import { deserializeError, type WireError } from './error-codec.js';
import { CANCEL, type RemoteOp, type RemoteReply, Status } from './remote-wire.js';
import type { ChannelPort } from './transfer-handlers.js';

/** Options of {@link RemoteClient.request}. */
export interface RemoteRequestOptions {
  /**
   * Abandons the call: the owner is asked to cancel it. Without `onLateValue`
   * the call waits for the owner's verdict: it rejects with `signal.reason` if
   * the owner cancelled it, and resolves if the owner had already completed it
   * (so a value taken for the caller is never lost).
   */
  signal?: AbortSignal | undefined;
  /**
   * Makes an abort reject at once; a value the owner had already sent is then
   * handed to `onLateValue` (to give it back), instead of being lost.
   */
  onLateValue?: ((value: unknown) => void) | undefined;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onLateValue: ((value: unknown) => void) | undefined;
  abandoned: boolean;
}

/**
 * Calls on an object owned at the other end of `port` (see `serveRemote`).
 * Calls reach the owner in the order they were made. When the channel closes,
 * every call still waiting rejects with `gone()`, and so do later calls.
 */
export class RemoteClient {
  readonly #port: ChannelPort;
  readonly #gone: () => Error;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #closed = false;

  constructor(port: ChannelPort, gone: () => Error) {
    this.#port = port;
    this.#gone = gone;
    port.onMessage((message) => this.#receive(message as RemoteReply));
    port.onClose(() => this.#disconnect());
  }

  /** Whether the channel to the owner has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A call whose outcome nobody waits for; order with other calls is kept. Throws `gone()` once closed. */
  notify(op: RemoteOp, args: readonly unknown[]): void {
    if (this.#closed) throw this.#gone();
    this.#port.post([0, op, ...args]);
  }

  /** A call that waits for the owner's reply. */
  request<T>(op: RemoteOp, args: readonly unknown[], options?: RemoteRequestOptions): Promise<T> {
    if (this.#closed) return Promise.reject(this.#gone());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.#next++;
    const { promise, resolve, reject } = deferred<unknown>();
    const call: Pending = {
      resolve,
      reject,
      signal,
      onLateValue: options?.onLateValue,
      abandoned: false,
    };
    this.#pending.set(id, call);
    try {
      this.#port.post([id, op, ...args]);
    } catch (error) {
      this.#pending.delete(id);
      return Promise.reject(error);
    }
    if (signal !== undefined) {
      const abandon = (): void => {
        if (call.abandoned || this.#closed || !this.#pending.has(id)) return;
        if (call.onLateValue !== undefined) {
          call.abandoned = true;
          call.reject(signal.reason);
        }
        try {
          this.#port.post([id, CANCEL]);
        } catch {
          // the owner is gone: the close rejects the call (or already did)
        }
      };
      // one listener per signal however many calls share it (a task's signal, for
      // every put it has in flight): Node warns past ten listeners on one signal
      const remove = onAbort(signal, abandon);
      promise.then(remove, remove);
    }
    return promise as Promise<T>;
  }

  #receive([id, status, value]: RemoteReply): void {
    const call = this.#pending.get(id);
    if (call === undefined) return;
    this.#pending.delete(id);
    if (call.abandoned) {
      if (status === Status.Ok) call.onLateValue?.(value);
      return;
    }
    if (status === Status.Ok) call.resolve(value);
    else if (status === Status.Cancelled) {
      // withdrawn by the owner (its task was given up) before this side heard of it
      const signal = call.signal;
      call.reject(
        signal?.aborted || value === undefined
          ? signal?.reason
          : deserializeError(value as WireError),
      );
    } else call.reject(deserializeError(value as WireError));
  }

  #disconnect(): void {
    this.#closed = true;
    for (const call of this.#pending.values()) {
      if (!call.abandoned) call.reject(this.#gone());
    }
    this.#pending.clear();
  }
}
