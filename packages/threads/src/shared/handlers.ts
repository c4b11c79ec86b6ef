// Transfer handlers that make shared primitives, passed as ordinary task
// arguments or returned as results, arrive in the other thread as working
// objects on the same shared memory.
import { registerQueueHandler, registerTransferHandler, type TransferHandler } from '@par/core';
import {
  fromSharedState,
  isSharedPrimitive,
  type SharedPrimitive,
  type SharedState,
  toSharedState,
} from './serialize.js';

/** The handler name on the wire. */
export const SHARED_HANDLER = '@par/threads:shared';

const sharedHandler: TransferHandler<SharedPrimitive, SharedState> = {
  name: SHARED_HANDLER,
  canHandle: isSharedPrimitive,
  serialize(value, context) {
    if (!context.capabilities.sharedMemory) {
      throw new TypeError(
        `A ${(value as object).constructor.name} lives in shared memory and cannot be sent to a '${context.capabilities.kind}' worker; use @par/threads (worker threads), or a Queue / Pipe to talk to processes`,
      );
    }
    return [toSharedState(value), []];
  },
  deserialize: (state) => fromSharedState(state) as unknown as SharedPrimitive,
};

let registered = false;

/**
 * Registers the transfer handlers of the shared primitives and of @par/queue
 * queues (idempotent). Called by
 * the primitives' constructors, ThreadPool and the worker entry; user code never
 * needs it.
 * @internal
 */
export function registerSharedHandlers(): void {
  if (registered) return;
  registered = true;
  registerTransferHandler(sharedHandler);
  registerQueueHandler();
}
