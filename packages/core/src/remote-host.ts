// The owner's side of the remote-handle layer: runs each call on the object, in
// arrival order, and answers over the channel.
import { serializeError } from './error-codec.js';
import {
  CANCEL,
  type RemoteOp,
  type RemoteReply,
  type RemoteRequest,
  Status,
} from './remote-wire.js';
import type { ChannelPort } from './transfer-handlers.js';

/** What a served call may use besides its arguments. */
export interface RemoteCallContext {
  /**
   * Aborts when the handle abandons the call, or when the channel closes (see
   * `abandonOnClose`). Created on first use: a call that never reads it costs nothing.
   */
  readonly signal: AbortSignal;
  /**
   * Withdraws the call from the owner's side (its handle's task was given up):
   * `signal` aborts, and the handle's request rejects with `reason`. A value the
   * call produces anyway is handed to `giveBack` instead of being sent.
   */
  withdraw(reason: unknown): void;
}

/** Runs one call: its value (or promise) is the reply; a throw (or rejection) is an error reply. */
export type RemoteDispatch = (op: RemoteOp, args: unknown[], context: RemoteCallContext) => unknown;

/** Options of {@link serveRemote}. */
export interface ServeRemoteOptions {
  /**
   * Whether a call still pending when the channel closes is abandoned (its
   * `signal` aborts). A queue keeps its waiting puts, so no item is lost.
   * @default every call is abandoned
   */
  abandonOnClose?: (op: RemoteOp) => boolean;
  /** Runs once when the channel closes, after the pending calls were abandoned. */
  onClose?: () => void;
  /**
   * Takes back the value of a call that completed although nobody will receive it
   * (it was withdrawn, or the channel closed): a queue puts the item back in
   * front. Returns whether it did; if not, the value is sent (or dropped if the
   * channel closed).
   * @default nothing is taken back
   */
  giveBack?: (op: RemoteOp, value: unknown) => boolean;
}

interface Waiting {
  controller: AbortController;
  op: RemoteOp;
  /** Withdrawn by the owner (`RemoteCallContext#withdraw`), with this reason. */
  withdrawn: boolean;
  reason: unknown;
}

// The abort reason of a call its handle abandoned: such a call answers "cancelled".
const cancelled = Symbol('cancelled');

const always = (): boolean => true;

/**
 * Serves the calls that arrive on `port` (from a `RemoteClient`) with `dispatch`,
 * until the channel closes. Calls run synchronously in arrival order, so a
 * handle's calls keep their order.
 */
export function serveRemote(
  port: ChannelPort,
  dispatch: RemoteDispatch,
  options: ServeRemoteOptions = {},
): void {
  const abandonOnClose = options.abandonOnClose ?? always;
  const waiting = new Map<number, Waiting>();
  let open = true;

  const reply = (message: RemoteReply): void => {
    if (!open) return;
    try {
      port.post(message);
    } catch (error) {
      // the value could not be sent (not cloneable): the handle gets that error instead
      if (message[1] !== Status.Ok) return;
      try {
        port.post([message[0], Status.Error, serializeError(error)]);
      } catch {
        // the channel itself failed: its close rejects the call
      }
    }
  };

  port.onMessage((message) => {
    const [id, op, ...args] = message as RemoteRequest;
    if (op === CANCEL) {
      waiting.get(id)?.controller.abort(cancelled);
      return;
    }
    let entry: Waiting | undefined;
    const track = (): Waiting => {
      if (entry === undefined) {
        entry = { controller: new AbortController(), op, withdrawn: false, reason: undefined };
        if (id !== 0) waiting.set(id, entry);
      }
      return entry;
    };
    const context: RemoteCallContext = {
      get signal() {
        return track().controller.signal;
      },
      withdraw(reason) {
        const e = track();
        if (e.controller.signal.aborted) return;
        e.withdrawn = true;
        e.reason = reason;
        e.controller.abort(cancelled);
      },
    };
    const cancelledReply = (): RemoteReply =>
      entry?.withdrawn
        ? [id, Status.Cancelled, serializeError(entry.reason)]
        : [id, Status.Cancelled];
    let value: unknown;
    try {
      value = dispatch(op, args, context);
    } catch (error) {
      waiting.delete(id);
      if (id !== 0) reply([id, Status.Error, serializeError(error)]);
      return;
    }
    if (!(value instanceof Promise)) {
      // (a value produced synchronously was produced for a live request: sent)
      waiting.delete(id);
      if (id !== 0) reply([id, Status.Ok, value]);
      return;
    }
    value.then(
      (result: unknown) => {
        waiting.delete(id);
        // completed for a handle that will not receive it: given back, never lost
        const unwanted = entry?.withdrawn === true || (!open && entry?.controller.signal.aborted);
        if (unwanted && options.giveBack?.(op, result)) {
          if (id !== 0) reply(cancelledReply());
          return;
        }
        if (id !== 0) reply([id, Status.Ok, result]);
      },
      (error: unknown) => {
        waiting.delete(id);
        if (id === 0) return;
        reply(error === cancelled ? cancelledReply() : [id, Status.Error, serializeError(error)]);
      },
    );
  });

  port.onClose(() => {
    open = false;
    for (const { controller, op } of waiting.values()) {
      if (abandonOnClose(op)) controller.abort(cancelled);
    }
    options.onClose?.();
  });
}
