// How a Process names its task on the wire. Until @par/core's task references
// land this holds a structural stand-in: a reference is `{ module, name }` (what
// `tasks(new URL(...))` produces), anything else must be a self-contained function.

/** A reference to an exported function of a module, as produced by `tasks(url)`. */
export interface TaskRefLike<A extends unknown[] = unknown[], R = unknown> {
  readonly module: string;
  readonly name: string;
  /** Phantom: carries the argument and return types. */
  readonly __types?: (...args: A) => R;
}

/** What a Process or pool runs: a task reference or a self-contained function. */
export type TaskLike<A extends unknown[] = unknown[], R = unknown> =
  | TaskRefLike<A, R>
  | ((...args: A) => R | Promise<R>);

/** The wire form of a task. */
export type TaskSpec = { module: string; name: string } | { source: string; name: string };

export function isTaskRef(value: unknown): value is TaskRefLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TaskRefLike).module === 'string' &&
    typeof (value as TaskRefLike).name === 'string'
  );
}

export function toTaskSpec(task: unknown): TaskSpec {
  if (isTaskRef(task)) return { module: task.module, name: task.name };
  if (typeof task === 'function') return { source: String(task), name: task.name || '<anonymous>' };
  throw new TypeError(
    `Expected a task: a reference from tasks(new URL('./tasks.js', import.meta.url)) or a self-contained function, got ${
      task === null ? 'null' : typeof task
    }`,
  );
}
