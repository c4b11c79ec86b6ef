import { availableParallelism } from 'node:os';

/**
 * The number of CPUs this process may use (`os.availableParallelism()`), the
 * default size of a `ProcessPool`. Like Python's `os.process_cpu_count()`.
 *
 * @example
 * ```ts
 * const pool = new ProcessPool({ maxWorkers: Math.max(1, cpuCount() - 1) });
 * ```
 */
export function cpuCount(): number {
  return availableParallelism();
}
