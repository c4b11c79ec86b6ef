// What a transport's worker entry registers besides: importing them from here
// keeps the engine (the root entry) out of a worker's start-up.
export { findLostInstance, lostInstanceReason } from '../clone-check.js';
export { NotCloneableError, TaskClosureError } from '../errors.js';
export { Msg } from '../protocol.js';
export { registerQueueHandler } from '../queue-handle-handler.js';
export { decodeValue, registerTransferHandler } from '../transfer-handlers.js';
export { now } from './clock.js';
export { resolveWireTask, startWorkerRuntime } from './runtime.js';
export { type EntryLoaders, useEntryLoaders } from './task-loader.js';
