// The decoders of the shared primitives, keyed by wire `kind`. Each primitive
// registers its own decoder (from its constructor, and all of them at once
// through registerSharedHandlers() in handlers.ts), so this module imports no
// primitive: bundling `Event` alone does not pull in the other classes.
import { registerQueueHandler, registerTransferHandler, type TransferHandler } from '@par/core';
import { rememberReceived, rememberSent } from './robust.js';
import {
  isSharedPrimitive,
  type SharedKind,
  type SharedPrimitive,
  type SharedState,
  type StateOf,
  toSharedState,
} from './serialize.js';

/** Rebuilds a working primitive of one kind from its wire form. */
export type Decoder<K extends SharedKind> = (state: StateOf<K>) => SharedPrimitive;

/** The handler name on the wire. */
export const SHARED_HANDLER = '@par/threads:shared';

const decoders = new Map<SharedKind, (state: SharedState) => SharedPrimitive>();

/** Rebuilds a working primitive from its wire form (in any thread). */
export function fromSharedState(state: SharedState): SharedPrimitive {
  const decode = decoders.get(state.kind);
  if (decode === undefined) {
    throw new TypeError(
      `Cannot rebuild a shared primitive of kind ${String((state as { kind: unknown }).kind)}: no decoder is registered for it in this thread`,
    );
  }
  return decode(state);
}

const sharedHandler: TransferHandler<SharedPrimitive, SharedState> = {
  name: SHARED_HANDLER,
  canHandle: isSharedPrimitive,
  serialize(value, context) {
    if (!context.capabilities.sharedMemory) {
      throw new TypeError(
        `A ${(value as object).constructor.name} lives in shared memory and cannot be sent to a '${context.capabilities.kind}' worker; use @par/threads (worker threads), or a Queue / Pipe to talk to processes`,
      );
    }
    rememberSent(value, context);
    return [toSharedState(value), []];
  },
  deserialize(state, context) {
    const value = fromSharedState(state);
    rememberReceived(value, context);
    return value;
  },
};

let registered = false;

/**
 * Registers the decoder of one kind of primitive, and (once) the @par/core
 * transfer handlers of the shared primitives and of @par/queue queues.
 * Called by each primitive's constructor. Idempotent.
 * @internal
 */
export function registerPrimitive<K extends SharedKind>(kind: K, decode: Decoder<K>): void {
  if (!decoders.has(kind))
    decoders.set(kind, decode as unknown as (state: SharedState) => SharedPrimitive);
  if (registered) return;
  registered = true;
  registerTransferHandler(sharedHandler);
  registerQueueHandler();
}
