import { type Deferred, deferred } from '@par/async/internal';
import { EOFError } from './errors.js';
import type { HandleCall, HandleMarker, HandleReply } from './handle-wire.js';

function reviveError(value: unknown): unknown {
  if (
    typeof value !== 'object' ||
    value === null ||
    !(value as { __parError?: boolean }).__parError
  )
    return value;
  const { __parError: _, name, message, stack, ...rest } = value as Record<string, unknown>;
  const error =
    rest.code === 'PAR_EOF' ? new EOFError(String(message)) : new Error(String(message));
  if (!(error instanceof EOFError)) Object.defineProperty(error, 'name', { value: name });
  if (typeof stack === 'string') error.stack = stack;
  Object.assign(error, rest);
  return error;
}

interface PendingCall {
  deferred: Deferred<unknown>;
  /** Called instead of resolving when the call was abandoned (the value is handed back). */
  onLateValue?: (value: unknown) => void;
  abandoned: boolean;
}

/** The child's side of the handle channel: requests to the parent and their replies. */
export class HandleClient {
  readonly #send: (message: HandleCall | { t: 'par:hc'; r: number }) => void;
  readonly #pending = new Map<number, PendingCall>();
  #next = 1;
  #gone = false;

  constructor(send: (message: HandleCall | { t: 'par:hc'; r: number }) => void) {
    this.#send = send;
  }

  /** A call whose reply nobody waits for; order with other calls is kept. */
  notify(marker: HandleMarker, op: string, args: unknown[]): void {
    if (this.#gone) throw new EOFError('The parent process is gone');
    this.#send({ t: 'par:h', id: marker.id, tk: marker.tk, op, a: args });
  }

  /**
   * A call that waits for its reply. When `signal` aborts first, the call rejects
   * with the reason and the parent is told to abandon it; a value that was already
   * on its way is given to `onLateValue` so that it is not lost.
   */
  request<T>(
    marker: HandleMarker,
    op: string,
    args: unknown[],
    signal?: AbortSignal,
    onLateValue?: (value: unknown) => void,
  ): Promise<T> {
    if (this.#gone) return Promise.reject(new EOFError('The parent process is gone'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const r = this.#next++;
    const call: PendingCall = { deferred: deferred<unknown>(), abandoned: false };
    if (onLateValue) call.onLateValue = onLateValue;
    this.#pending.set(r, call);
    try {
      this.#send({ t: 'par:h', id: marker.id, tk: marker.tk, op, a: args, r });
    } catch (error) {
      this.#pending.delete(r);
      return Promise.reject(error);
    }
    if (signal) {
      const onAbort = (): void => {
        if (call.abandoned || !this.#pending.has(r)) return;
        call.abandoned = true;
        call.deferred.reject(signal.reason);
        try {
          this.#send({ t: 'par:hc', r });
        } catch {
          // the parent is gone
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.deferred.promise.then(
        () => signal.removeEventListener('abort', onAbort),
        () => signal.removeEventListener('abort', onAbort),
      );
    }
    return call.deferred.promise as Promise<T>;
  }

  /** Handles a `par:hr` message; returns false for any other message. */
  handle(message: unknown): boolean {
    const m = message as HandleReply;
    if (typeof m !== 'object' || m === null || m.t !== 'par:hr') return false;
    const call = this.#pending.get(m.r);
    if (!call) return true;
    this.#pending.delete(m.r);
    if (call.abandoned) {
      if (m.ok) call.onLateValue?.(m.v);
      return true;
    }
    if (m.ok) call.deferred.resolve(m.v);
    else call.deferred.reject(reviveError(m.e));
    return true;
  }

  /** The IPC channel closed: every pending call rejects with EOFError. */
  disconnect(): void {
    this.#gone = true;
    for (const call of this.#pending.values()) {
      if (!call.abandoned) call.deferred.reject(new EOFError('The parent process is gone'));
    }
    this.#pending.clear();
  }
}
