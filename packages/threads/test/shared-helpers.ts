import { Worker } from 'node:worker_threads';

const fixture = new URL('./fixtures/shared-scenarios.mjs', import.meta.url);

/** Runs a scenario of fixtures/shared-scenarios.mjs in a new worker thread; resolves to its result. */
export function inWorker<T = unknown>(scenario: string, data: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(fixture, { workerData: { scenario, data } });
    let result: { value: T } | undefined;
    worker.once('message', (value: T) => {
      result = { value };
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result.value);
      else reject(new Error(`worker exited with code ${code} before answering`));
    });
  });
}

/**
 * Waits for `wait`, but fails at once with a worker's error if one of `workers`
 * rejects first (instead of waiting for a signal a dead worker will never send).
 */
export function orFailWith<T>(wait: Promise<T> | T, ...workers: Promise<unknown>[]): Promise<T> {
  const never = new Promise<never>(() => {});
  return Promise.race([Promise.resolve(wait), ...workers.map((w) => w.then(() => never))]);
}
