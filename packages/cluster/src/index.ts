export { TimeoutError } from '@par/async';
export {
  NotCloneableError,
  PoolClosedError,
  type Task,
  type TaskRef,
  type TasksOf,
  taskSignal,
} from '@par/core';
export {
  type ClusterCallDescriptor,
  ClusterPool,
  type ClusterPoolOptions,
  type ClusterRunOptions,
  type ClusterStats,
} from './cluster-pool.js';
export type { RedisConnection } from './connection.js';
export {
  BadJobError,
  ConnectionLostError,
  InlineRemoteError,
  JobFailedError,
  PayloadTooLargeError,
  TaskNotAllowedError,
} from './errors.js';
export type { WorkerInfo } from './heartbeat.js';
export type { ClusterIMapOptions, ClusterMapOptions } from './map-stream.js';
export {
  type ClusterBackendOptions,
  type ClusterDelayedCall,
  type ClusterParallelBackend,
  clusterBackend,
} from './parallel-backend.js';
export { taskRef, tasks } from './tasks.js';
export { type ClusterWorker, startWorker, type WorkerOptions } from './worker.js';
