export { TimeoutError } from '@par/async';
export {
  NotCloneableError,
  PoolClosedError,
  type TaskRef,
  taskRef,
  taskSignal,
  tasks,
} from '@par/core';
export { AutoBatcher, type BatchSizeDecision } from './auto-batch.js';
export {
  type BackendFactory,
  type BackendOptions,
  type DelayedCall,
  type ParallelBackend,
  registerBackend,
} from './backend.js';
export { parallelConfig } from './config.js';
export { cpuCount } from './cpu-count.js';
export { delayed } from './delayed.js';
export { type FailedCallInfo, ParallelBusyError } from './errors.js';
export {
  type CachedFunction,
  type CacheOptions,
  Memory,
  type MemoryOptions,
  type ReduceSizeOptions,
} from './memory.js';
export { hashValue } from './memory-hash.js';
export {
  effectiveNJobs,
  type ParallelConfigOptions,
  type ParallelOptions,
  type ProgressInfo,
  type ReturnAs,
} from './options.js';
export {
  Parallel,
  type ParallelConstructor,
  type ParallelInstance,
  type ParallelResult,
  type ParallelRunner,
  type ResultOf,
} from './parallel.js';
