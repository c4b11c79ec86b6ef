export { type ReleaseHandle, TimeoutError, type WaitOptions } from '@par/async';
export {
  type ApplyAsyncOptions,
  type AsCompletedOptions,
  type AsyncValue,
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
  QueueHandle,
  type QueueHandleWaitOptions,
  type RunOptions,
  registerTransferHandler,
  type ShutdownOptions,
  type Task,
  TaskClosureError,
  TaskModuleError,
  type TaskRef,
  type TasksOf,
  type TransferHandler,
  taskRef,
  taskSignal,
  tasks,
  transfer,
  UnknownTaskError,
  type WaitFuturesOptions,
  type WaitFuturesResult,
  WorkerCrashedError,
  wait,
} from '@par/core';
export {
  type WebWorkerErrorEvent,
  type WebWorkerLike,
  WebWorkerTransport,
} from './browser/web-transport.js';
export { Barrier, type BarrierOptions, type BarrierWaitOptions } from './shared/barrier.js';
export {
  COMLINK_HANDLERS,
  type RemoteQueue,
  type RemoteQueueWaitOptions,
  registerComlinkTransferHandlers,
} from './shared/comlink.js';
export { Condition, type ConditionWaitOptions } from './shared/condition.js';
export { Event } from './shared/event.js';
export { Lock } from './shared/lock.js';
export type { SharedWaitOptions } from './shared/options.js';
export { RLock } from './shared/rlock.js';
export { BoundedSemaphore, Semaphore } from './shared/semaphore.js';
export { sharedArray, type TypedArrayConstructor } from './shared/shared-array.js';
export { Value, type ValueOf, type ValueOptions, type ValueType } from './shared/value.js';
export { type JoinOptions, Thread, type ThreadOptions } from './thread.js';
export { ThreadPool, ThreadPoolExecutor, type ThreadPoolOptions } from './thread-pool.js';
export { toThread } from './to-thread.js';
