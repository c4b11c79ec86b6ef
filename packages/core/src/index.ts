export type { CallerArg, CallerArgs } from './caller-args.js';
export { cpuCount } from './cpu-count.js';
export { type ErrorClass, registerErrorClass } from './error-codec.js';
export {
  BrokenPoolError,
  NotCloneableError,
  PoolClosedError,
  TaskClosureError,
  type TaskInfo,
  TaskModuleError,
  UnknownTaskError,
  WorkerCrashedError,
} from './errors.js';
export { inheritedExecArgv } from './exec-argv.js';
export { Executor, type ShutdownOptions } from './executor.js';
export { Future, type FutureWaitOptions } from './future.js';
export {
  type AsCompletedOptions,
  asCompleted,
  type FuturesReturnWhen,
  type WaitFuturesOptions,
  type WaitFuturesResult,
  wait,
} from './futures.js';
export {
  type ApplyAsyncOptions,
  type MapAsyncOptions,
  MultiprocessingPool,
} from './multiprocessing-pool.js';
export { Pool, type TaskArgs, type TaskResult } from './pool.js';
export type {
  CallDescriptor,
  IMapOptions,
  MapOptions,
  Percentiles,
  PoolOptions,
  PoolStats,
  RunOptions,
} from './pool-options.js';
export {
  type AsyncValue,
  QueueHandle,
  type QueueHandleWaitOptions,
} from './queue-handle.js';
export { QUEUE_HANDLER, registerQueueHandler } from './queue-handle-handler.js';
export {
  isTaskRef,
  type Task,
  type TaskRef,
  type TasksOf,
  taskRef,
  tasks,
  toModuleUrl,
} from './task-ref.js';
export { taskSignal } from './task-signal.js';
export { type Transfer, transfer } from './transfer.js';
export {
  type ChannelPort,
  type DeserializeContext,
  decodeValue,
  type ExitedWorker,
  encodeValue,
  registerTransferHandler,
  type SerializeContext,
  type TransferHandler,
  unregisterTransferHandler,
} from './transfer-handlers.js';
export type {
  ResourceLimits,
  Transport,
  TransportCapabilities,
  WireTask,
  WorkerBoot,
  WorkerEvents,
  WorkerHandle,
  WorkerPort,
  WorkerSpawnOptions,
} from './transport.js';
