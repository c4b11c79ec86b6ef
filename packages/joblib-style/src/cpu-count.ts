// joblib's cpu_count: the CPUs this program may use (affinity, via
// os.availableParallelism) capped by the cgroup CPU quota, as loky does.

import { cpuCount as coreCpuCount } from '@par/core';

type Fs = { readFileSync(path: string, encoding: 'utf8'): string };

function nodeFs(): Fs | undefined {
  return (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:fs') as Fs | undefined;
}

function read(fs: Fs, path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** @internal The CPU limit of a cgroup quota (`cpu.max` or `cpu.cfs_quota_us`), if any. */
export function cgroupCpuLimit(fs: Fs | undefined = nodeFs()): number | undefined {
  if (fs === undefined) return undefined;
  const v2 = read(fs, '/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return quotaToCpus(quota, period);
  }
  return quotaToCpus(
    read(fs, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us'),
    read(fs, '/sys/fs/cgroup/cpu/cpu.cfs_period_us'),
  );
}

function quotaToCpus(quota: string | undefined, period: string | undefined): number | undefined {
  if (quota === undefined || period === undefined || quota === 'max') return undefined;
  const q = Number(quota);
  const p = Number(period);
  if (!(q > 0) || !(p > 0)) return undefined;
  return Math.max(1, Math.ceil(q / p));
}

/**
 * The number of CPUs this program may use: `os.availableParallelism()` (which
 * respects the CPU affinity) capped by the cgroup CPU quota of a container, like
 * joblib's (loky's) `cpu_count()`; `navigator.hardwareConcurrency` in browsers.
 * Always at least 1.
 *
 * @example
 * ```ts
 * const n = cpuCount(); // 2 in a container limited to 2 CPUs on a 64-core host
 * ```
 */
export function cpuCount(): number {
  const base = coreCpuCount();
  const quota = cgroupCpuLimit();
  return Math.max(1, quota === undefined ? base : Math.min(base, quota));
}
