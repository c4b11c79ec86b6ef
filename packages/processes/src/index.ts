export { TimeoutError } from '@par/async';
export {
  BrokenPoolError,
  cpuCount,
  Future,
  type FutureWaitOptions,
  PoolClosedError,
  type ShutdownOptions,
  type Task,
  type TaskRef,
  taskRef,
  taskSignal,
  tasks,
  WorkerCrashedError,
} from '@par/core';
export { EOFError } from './errors.js';
export { Connection, Pipe, type RecvOptions } from './pipe.js';
export {
  type JoinOptions,
  Process,
  type ProcessOptions,
  type StdioOption,
} from './process.js';
export {
  type ApplyAsyncOptions,
  type MapAsyncOptions,
  ProcessPool,
  type ProcessPoolOptions,
} from './process-pool.js';
export { ProcessPoolExecutor } from './process-pool-executor.js';
