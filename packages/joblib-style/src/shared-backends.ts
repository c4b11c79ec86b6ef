// The process-wide backends a one-shot `Parallel(opts)(...)` reuses, keyed by
// backend, size and options (loky reuses its executor the same way). Their idle
// workers never keep the program alive (the engine unrefs idle workers).

import { backendFactory, type ParallelBackend } from './backend.js';
import type { ResolvedOptions } from './options.js';

const shared = new Map<string, ParallelBackend>();

function stableKey(value: unknown, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `fn:${value.name}:${String(value)}`;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const v of value) {
      const k = stableKey(v, depth + 1);
      if (k === undefined) return undefined;
      parts.push(k);
    }
    return `[${parts.join(',')}]`;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const k = stableKey((value as Record<string, unknown>)[key], depth + 1);
      if (k === undefined) return undefined;
      parts.push(`${JSON.stringify(key)}:${k}`);
    }
    return `{${parts.join(',')}}`;
  }
  return undefined;
}

/** Builds a backend from resolved options through its registered factory. */
export function createBackend(options: ResolvedOptions): ParallelBackend {
  const factory = backendFactory(options.backendName);
  if (factory === undefined) {
    throw new RangeError(`No backend is registered under '${options.backendName}'`);
  }
  const backend: unknown = factory({ ...options.backendOptions, nJobs: options.nJobs });
  const b = backend as Partial<ParallelBackend> | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.runBatch !== 'function' ||
    typeof b.close !== 'function' ||
    typeof b.terminate !== 'function'
  ) {
    throw new TypeError(
      `The factory registered for backend '${options.backendName}' returned ${b === null ? 'null' : typeof b === 'object' ? 'an object without runBatch(), close() and terminate()' : typeof b}, not a ParallelBackend`,
    );
  }
  return b as ParallelBackend;
}

/** A backend for one run of a one-shot Parallel, and what to do when the run ends. */
export function acquireBackend(options: ResolvedOptions): {
  backend: ParallelBackend;
  release(failed: boolean): void;
} {
  const optionsKey = stableKey(options.backendOptions);
  const key =
    optionsKey === undefined ? undefined : `${options.backendName}|${options.nJobs}|${optionsKey}`;
  const cached = key === undefined ? undefined : shared.get(key);
  if (cached !== undefined) return { backend: cached, release: () => undefined };
  const backend = createBackend(options);
  if (backend.reusable === true && key !== undefined) {
    shared.set(key, backend);
    return { backend, release: () => undefined };
  }
  return {
    backend,
    release(failed) {
      const stop = failed ? backend.terminate() : backend.close();
      stop.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}

/** @internal How many process-wide backends exist (tests). */
export function sharedBackendCount(): number {
  return shared.size;
}

/**
 * @internal Closes every process-wide backend; the next one-shot `Parallel` starts
 * new ones (tests: a test file leaves no worker behind).
 */
export async function closeSharedBackends(): Promise<void> {
  const backends = [...shared.values()];
  shared.clear();
  await Promise.all(backends.map((backend) => backend.close()));
}
