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
  const waiting = new Map<number, { controller: AbortController; op: RemoteOp }>();
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
    let controller: AbortController | undefined;
    const context: RemoteCallContext = {
      get signal() {
        if (controller === undefined) {
          controller = new AbortController();
          if (id !== 0) waiting.set(id, { controller, op });
        }
        return controller.signal;
      },
    };
    let value: unknown;
    try {
      value = dispatch(op, args, context);
    } catch (error) {
      waiting.delete(id);
      if (id !== 0) reply([id, Status.Error, serializeError(error)]);
      return;
    }
    if (!(value instanceof Promise)) {
      waiting.delete(id);
      if (id !== 0) reply([id, Status.Ok, value]);
      return;
    }
    value.then(
      (result: unknown) => {
        waiting.delete(id);
        if (id !== 0) reply([id, Status.Ok, result]);
      },
      (error: unknown) => {
        waiting.delete(id);
        if (id === 0) return;
        reply(
          error === cancelled ? [id, Status.Cancelled] : [id, Status.Error, serializeError(error)],
        );
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
