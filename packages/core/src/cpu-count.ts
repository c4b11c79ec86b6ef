/**
 * The number of CPUs this program may use (`os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers); the default `maxWorkers`.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ maxWorkers: Math.max(1, cpuCount() - 1) });
 * ```
 */
export function cpuCount(): number {
  const os = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus: () => unknown[] }
    | undefined;
  if (os) return os.availableParallelism?.() ?? Math.max(1, os.cpus().length);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}
