// `@par/core/internal`: the engine's hooks for the other @par packages. Not part of
// the public API (no semver promise; index.ts does not export it): it lets a
// sibling package reach what the Pool keeps private.

/** The batch and chunk sizes of the engine: @par/cluster chunks `map` by the same rule. */
export { BatchPolicy, batchPolicy } from './batch-policy.js';
/** The lazy, bounded `imap` stream: @par/cluster runs it with its own chunk jobs. */
export { type ChunkJob, type ChunkStreamSpec, chunkStream } from './chunk-stream.js';
/**
 * Arguments that cannot travel, found as the pools find them: @par/cluster checks a
 * call's arguments with it before it sends the job.
 */
export { findLostInstanceInArgs } from './clone-check.js';
export { engineOf } from './engine/access.js';
export type { Engine } from './engine/engine.js';
/** The errors for such arguments, worded as the pools word them. */
export { argumentsNotCloneableError, lostArgumentError } from './engine/failure-messages.js';
/** The engine's error codec: @par/cluster sends errors across machines with it. */
export { deserializeError, serializeError, type WireError } from './error-codec.js';
/** How the engine's messages name a task: @par/cluster's name it the same way. */
export { taskLabel } from './function-registry.js';
/** The flags of a call (`engine.submit`): @par/cluster marks the calls its callers can abort. */
export { TaskFlag } from './protocol.js';
/** Shared memory a process cannot receive: found and worded the same way everywhere. */
export { findSharedMemory, isSharedMemory, sharedMemoryError } from './shared-memory.js';
/** The last samples and their percentiles, as `stats()` keeps them: @par/cluster's stats use it. */
export { SampleRing } from './stats.js';
/** Task references by a module name as it travels: @par/cluster's package specifiers. */
export { taskRefsOf } from './task-ref.js';
/**
 * The task context behind `taskSignal()`: @par/joblib-style's in-thread backends run
 * calls in one, so that a call they cancel sees its signal abort as in a pool.
 */
export {
  abortTaskContext,
  createTaskContext,
  runInTaskContext,
  type TaskContext,
} from './task-signal.js';
