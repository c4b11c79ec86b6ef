// Task references: an exported function of a module, addressed by URL and export
// name, like Python pickles a function by its qualified name. Plain data, so a
// reference crosses threads, processes and (later) machines.

// biome-ignore lint/suspicious/noExplicitAny: the widest function type, for constraints only
type AnyFunction = (...args: any[]) => any;

/**
 * A reference to the export `name` of the module at `module` (a URL string).
 * `Args` and `R` are carried in the type only: `pool.run(ref, ...args)` checks the
 * arguments and resolves to `R`.
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const square: TaskRef<[n: number], number> = t.square;
 * ```
 */
export interface TaskRef<Args extends unknown[] = unknown[], R = unknown> {
  /** The module's URL (`file:///…/tasks.js`, `https://…`). */
  readonly module: string;
  /** The export's name (`'default'` for the default export). */
  readonly name: string;
  /** Phantom member carrying the types; never present at run time. */
  readonly __types?: (...args: Args) => R;
}

/** The typed references of a module's function exports: `tasks<typeof import('./m.js')>(url)`. */
export type TasksOf<M> = {
  readonly [K in keyof M as M[K] extends AnyFunction ? K : never]: M[K] extends AnyFunction
    ? TaskRef<Parameters<M[K]>, Awaited<ReturnType<M[K]>>>
    : never;
};

/** What a pool runs: a reference, or a self-contained function (its source is shipped). */
export type Task<Args extends unknown[] = unknown[], R = unknown> =
  | TaskRef<Args, R>
  | ((...args: Args) => R | PromiseLike<R>);

/** Whether `value` looks like a task reference (`{ module: string, name: string }`). */
export function isTaskRef(value: unknown): value is TaskRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TaskRef).module === 'string' &&
    typeof (value as TaskRef).name === 'string'
  );
}

/**
 * Normalizes a module location to a URL string: a `URL`, a URL string
 * (`file:`, `http(s):`, `data:`), or an absolute file path (POSIX or Windows).
 * Relative paths are rejected: they have no base in a worker.
 */
export function toModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(
      `Expected a module URL or an absolute path, got \`${String(module)}\` (${typeof module})`,
    );
  }
  if (module.startsWith('/')) return new URL(`file://${encodePath(module)}`).href;
  if (/^[a-zA-Z]:[\\/]/.test(module)) {
    return new URL(`file:///${encodePath(module.replaceAll('\\', '/'))}`).href;
  }
  if (/^[a-zA-Z][a-zA-Z\d+.-]+:/.test(module)) return new URL(module).href;
  throw new TypeError(
    `Expected a module URL or an absolute path, got the relative path \`${module}\`: use new URL('${module}', import.meta.url)`,
  );
}

function encodePath(path: string): string {
  // what pathToFileURL escapes that `new URL` would otherwise misread
  return path.replace(/[%?#\n\r\t]/g, (c) => encodeURIComponent(c));
}

/**
 * Typed references to the function exports of a module, without importing it
 * in the calling thread. The module is loaded in the worker on first use.
 *
 * @example
 * ```ts
 * // tasks.ts: export function square(n: number) { return n * n; }
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * await pool.run(t.square, 3); // 9, typed number
 * ```
 */
export function tasks<M = Record<string, AnyFunction>>(module: string | URL): TasksOf<M> {
  return taskRefsOf<M>(toModuleUrl(module));
}

/**
 * @internal The references of {@link tasks} for a module named as it travels (a URL
 * here; a package specifier on a cluster): one frozen reference per export name.
 */
export function taskRefsOf<M>(module: string): TasksOf<M> {
  const cache = new Map<string, TaskRef>();
  return new Proxy(Object.create(null) as TasksOf<M>, {
    get(_target, name) {
      // not thenable (so `await tasks(...)` is harmless) and no symbol keys
      if (typeof name !== 'string' || name === 'then') return undefined;
      let ref = cache.get(name);
      if (ref === undefined) {
        ref = Object.freeze({ module, name });
        cache.set(name, ref);
      }
      return ref;
    },
    has: (_target, name) => typeof name === 'string' && name !== 'then',
  });
}

/**
 * A reference to one export, when you prefer not to use a Proxy.
 *
 * @example
 * ```ts
 * const square = taskRef<[number], number>(new URL('./tasks.js', import.meta.url), 'square');
 * ```
 */
export function taskRef<Args extends unknown[] = unknown[], R = unknown>(
  module: string | URL,
  name = 'default',
): TaskRef<Args, R> {
  return Object.freeze({ module: toModuleUrl(module), name });
}
