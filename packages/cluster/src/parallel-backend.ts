// The joblib-style backend 'cluster': Parallel({ backend: 'cluster', connection,
// queue, root })(calls) runs each batch of delayed calls as jobs of a ClusterPool.
// Consecutive calls of the same task travel as one starmap job.

import { type BackendFactory, registerBackend } from '@par/joblib-style';
import { ClusterPool, type ClusterPoolOptions } from './cluster-pool.js';

/** What a backend factory receives (the joblib-style `BackendOptions`). */
export interface ClusterBackendOptions extends Partial<ClusterPoolOptions> {
  /** Calls that run at once (used as the pool's `workers` hint). */
  nJobs: number;
  [option: string]: unknown;
}

/** One delayed call, `delayed(fn)(...args)` (the joblib-style `DelayedCall`). */
export interface ClusterDelayedCall {
  readonly fn: unknown;
  readonly args: readonly unknown[];
}

/** The joblib-style `ParallelBackend` this factory builds. */
export interface ClusterParallelBackend {
  readonly name: 'cluster';
  readonly nJobs: number;
  runBatch(
    batch: readonly ClusterDelayedCall[],
    options: { signal: AbortSignal; timeout?: number },
  ): Promise<unknown[]>;
  close(): Promise<void>;
  terminate(): Promise<void>;
}

/**
 * Builds the 'cluster' backend of @par/joblib-style: `connection`, `queue` and
 * `root` are required, the other ClusterPool options pass through. Tasks must be
 * references (`delayed(t.square)(x)`); an inline function rejects with
 * `InlineRemoteError`.
 *
 * @example
 * ```ts
 * const backend = clusterBackend({ nJobs: 4, connection: 'redis://127.0.0.1:6379', queue: 'par', root });
 * await backend.runBatch([{ fn: t.square, args: [3] }], { signal: new AbortController().signal }); // [9]
 * await backend.close();
 * ```
 */
export function clusterBackend(options: ClusterBackendOptions): ClusterParallelBackend {
  const { nJobs, ...rest } = options;
  const pool = new ClusterPool({ workers: nJobs, ...(rest as unknown as ClusterPoolOptions) });
  return {
    name: 'cluster',
    nJobs,
    async runBatch(batch, { signal, timeout }) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      let unwatch: (() => void) | undefined;
      if (signal.aborted) onAbort();
      else unwatch = pool._onAbort(signal, onAbort);
      const chunks: Promise<unknown[]>[] = [];
      try {
        for (let i = 0; i < batch.length; ) {
          const fn = (batch[i] as ClusterDelayedCall).fn;
          let j = i + 1;
          while (j < batch.length && (batch[j] as ClusterDelayedCall).fn === fn) j++;
          const rows = batch.slice(i, j).map((c) => [...c.args]);
          const chunk = pool.starmap(fn as never, rows as never, {
            chunkSize: rows.length,
            signal: controller.signal,
            ...(timeout === undefined ? {} : { timeout: timeout * rows.length }),
          });
          chunks.push(chunk as Promise<unknown[]>);
          i = j;
        }
        const parts = await Promise.all(
          chunks.map((c) =>
            c.catch((error: unknown) => {
              // the first failure cancels the other chunks of the batch
              controller.abort(error);
              throw error;
            }),
          ),
        );
        return parts.flat();
      } finally {
        unwatch?.();
        // chunks cancelled after the first failure reject too; the batch reported the first
        for (const c of chunks) c.catch(() => undefined);
      }
    },
    close: () => pool.close(),
    terminate: () => pool.terminate(),
  };
}

// Importing @par/cluster makes `Parallel({ backend: 'cluster', connection, queue, root })`
// available: the backend is registered with @par/joblib-style the moment this module loads.
// The built module that does it is listed in package.json's `sideEffects`, so that a
// bundler keeps a bare `import '@par/cluster'`.
registerBackend('cluster', clusterBackend as unknown as BackendFactory);
