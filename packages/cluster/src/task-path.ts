// Task references cross machines as a module path relative to the code root plus
// an export name, never as a machine-local file URL: each worker resolves the path
// against its own root and runs it only when it is in its allow-list.

import { posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { optionMessage } from '@par/async/internal';
import { isTaskRef, type TaskRef } from '@par/core';
import { InlineRemoteError, TaskNotAllowedError } from './errors.js';
import { isPackageSpecifier } from './package-specifier.js';

/** @internal A root directory as a `file:` URL string ending in `/`. */
export function resolveRoot(name: string, value: unknown): string {
  let href: string;
  if (value instanceof URL) href = value.href;
  else if (typeof value === 'string' && value.length > 0) {
    href = /^file:/i.test(value) ? new URL(value).href : pathToFileURL(value).href;
  } else {
    throw new TypeError(
      optionMessage(name, "a directory URL (new URL('./', import.meta.url)) or path", value),
    );
  }
  if (!href.startsWith('file:')) {
    throw new TypeError(optionMessage(name, 'a file: URL or a path of a directory', value));
  }
  return href.endsWith('/') ? href : `${href}/`;
}

/** @internal A module path as it travels: relative, POSIX, inside the root. */
export function normalizeModulePath(path: string): string | undefined {
  if (path.includes('\\') || path.includes('\0')) return undefined;
  const normal = posix.normalize(path);
  if (normal.startsWith('/') || normal === '..' || normal.startsWith('../') || normal === '.') {
    return undefined;
  }
  return normal.startsWith('./') ? normal.slice(2) : normal;
}

/**
 * @internal The file URL of a module path under `root` (normalized, as a job carries
 * it): each segment is encoded, so a `#`, `?` or `%` in a file name is part of the
 * name, not a URL's fragment, query or escape (which named another file).
 */
export function moduleUrl(normal: string, root: string | URL): URL {
  return new URL(normal.split('/').map(encodeURIComponent).join('/'), root);
}

/** @internal The wire form `{ module, name }` of a task, or a typed error. */
export function remoteTask(
  task: unknown,
  root: string,
): { module: string; name: string; package: boolean } {
  if (typeof task === 'function') {
    const name = task.name || 'task';
    throw new InlineRemoteError(
      `Inline functions cannot run on a cluster: workers only run exported functions of the modules they allow. Move \`${name}\` into a module under the root and pass a reference: export function ${name}(...) in tasks.js, then pool.run(tasks(new URL('./tasks.js', import.meta.url)).${name}, ...args)`,
    );
  }
  if (!isTaskRef(task)) {
    throw new TypeError(
      `Expected a task reference (tasks(new URL('./tasks.js', import.meta.url)).name), got ${
        task === null ? 'null' : typeof task
      }`,
    );
  }
  const ref = task as TaskRef;
  if (isPackageSpecifier(ref.module)) return { module: ref.module, name: ref.name, package: true };
  if (!ref.module.startsWith(root)) throw outsideRoot(ref, root, 'is outside');
  let relative: string;
  try {
    relative = decodeURIComponent(ref.module.slice(root.length));
  } catch {
    relative = ref.module.slice(root.length);
  }
  const module = normalizeModulePath(relative);
  if (module === undefined) throw outsideRoot(ref, root, 'does not resolve under');
  return { module, name: ref.name, package: false };
}

/**
 * A reference no worker could be allowed to run: refused at the caller, as a
 * worker refuses a module outside its allow-list (nothing is sent).
 */
function outsideRoot(ref: TaskRef, root: string, where: string): TaskNotAllowedError {
  return new TaskNotAllowedError(
    `The task module ${ref.module} (task ${ref.name}) ${where} the pool's root ${root}: tasks travel as paths relative to the root and workers run only modules under theirs, so no worker can run it. Move the module under the root, or give the pool a root that contains it.`,
    ref.module,
    [],
  );
}
