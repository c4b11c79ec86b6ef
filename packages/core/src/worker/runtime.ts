import type { WorkerBoot, WorkerPort } from '../transport.js';

/**
 * Runs the worker side of a pool over `port`: loads task modules, compiles
 * self-contained functions, runs tasks and reports results. Called once by a
 * transport's worker entry file.
 *
 * @example
 * ```ts
 * // worker entry of a transport
 * import { startWorkerRuntime } from '@par/core/worker';
 * startWorkerRuntime(port, boot);
 * ```
 */
export function startWorkerRuntime(port: WorkerPort, boot: WorkerBoot): void {
  void port;
  void boot;
  throw new Error('not implemented yet');
}
