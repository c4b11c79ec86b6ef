import { readFileSync } from 'node:fs';
import { ProcessPool, type ProcessPoolOptions } from '@par/processes';
import { afterEach } from 'vitest';

/**
 * For a test file: returns `pool(options)`, which makes a ProcessPool of `maxWorkers`
 * children (unless `options` says otherwise). Every pool made is terminated after
 * each test.
 */
export function poolsForEachTest(
  maxWorkers: number,
): (options?: ProcessPoolOptions) => ProcessPool {
  const pools: ProcessPool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.terminate()));
  });
  return (options = {}) => {
    const p = new ProcessPool({ maxWorkers, ...options });
    pools.push(p);
    return p;
  };
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits for the task's 'started' message on `conn`, or fails at once if the call
 * settles first (so a broken start surfaces as an error, not as a hung test).
 */
export async function untilStarted(
  conn: { recv(): Promise<unknown> },
  call: PromiseLike<unknown>,
): Promise<void> {
  const settled = Promise.resolve(call).then(
    (value) => {
      throw new Error(`The call finished before it reported that it started: ${String(value)}`);
    },
    (error: unknown) => {
      throw new Error('The call failed before it reported that it started', { cause: error });
    },
  );
  settled.catch(() => {});
  const message = await Promise.race([conn.recv(), settled]);
  if (message !== 'started') throw new Error(`Expected 'started', got ${String(message)}`);
}
