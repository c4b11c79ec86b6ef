export { TimeoutError } from '@par/async';
export {
  type ApplyAsyncOptions,
  type AsCompletedOptions,
  asCompleted,
  BrokenPoolError,
  type CallDescriptor,
  cpuCount,
  Future,
  type FuturesReturnWhen,
  type FutureWaitOptions,
  type IMapOptions,
  type MapAsyncOptions,
  type MapOptions,
  NotCloneableError,
  PoolClosedError,
  type PoolStats,
  type RunOptions,
  type ShutdownOptions,
  type Task,
  TaskClosureError,
  TaskModuleError,
  type TaskRef,
  taskRef,
  taskSignal,
  tasks,
  UnknownTaskError,
  type WaitFuturesOptions,
  type WaitFuturesResult,
  WorkerCrashedError,
  wait,
} from '@par/core';
export { Connection, type RecvOptions } from './connection.js';
export { EOFError } from './errors.js';
export { Pipe } from './pipe.js';
export {
  type JoinOptions,
  Process,
  type ProcessOptions,
  type StdioOption,
} from './process.js';
export { ProcessPool, type ProcessPoolOptions } from './process-pool.js';
export { ProcessPoolExecutor } from './process-pool-executor.js';
