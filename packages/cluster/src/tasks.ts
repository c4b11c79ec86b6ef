// Task references for a cluster: the local pools' `tasks` / `taskRef`, plus
// package specifiers (`tasks('my-pkg/tasks')`), which travel as they are and
// are resolved by each worker from its own root.

import {
  taskRef as localTaskRef,
  tasks as localTasks,
  type TaskRef,
  type TasksOf,
} from '@par/core';
import { taskRefsOf } from '@par/core/internal';
import { isPackageSpecifier } from './package-specifier.js';

// biome-ignore lint/suspicious/noExplicitAny: the widest function type, for constraints only
type AnyFunction = (...args: any[]) => any;

/**
 * Typed references to the function exports of a module: a `URL` or absolute path
 * under the pool's root (sent as the path relative to it), or a package specifier
 * (`'my-pkg/tasks'`, `'@scope/pkg'`) that each worker resolves from its own root and
 * serves when it is in its `allow` list. A package-specifier reference runs on a
 * cluster only (the local pools take URLs).
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const img = tasks<typeof import('my-images/tasks')>('my-images/tasks');
 * await pool.run(img.resize, path, 640);
 * ```
 */
export function tasks<M = Record<string, AnyFunction>>(module: string | URL): TasksOf<M> {
  if (typeof module !== 'string' || !isPackageSpecifier(module)) return localTasks<M>(module);
  return taskRefsOf<M>(module);
}

/**
 * A reference to one export, by URL, absolute path or package specifier (see {@link tasks}).
 *
 * @example
 * ```ts
 * const resize = taskRef<[string, number], string>('my-images/tasks', 'resize');
 * ```
 */
export function taskRef<Args extends unknown[] = unknown[], R = unknown>(
  module: string | URL,
  name = 'default',
): TaskRef<Args, R> {
  if (typeof module === 'string' && isPackageSpecifier(module)) {
    return Object.freeze({ module, name });
  }
  return localTaskRef<Args, R>(module, name);
}
