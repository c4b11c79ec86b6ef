// Package specifiers as task modules (`tasks('my-pkg/tasks')`): the reference
// travels as the specifier itself, and each worker resolves it with its own
// node_modules, looked up from its root the way Node's ESM resolution does
// (the package's `exports` with the conditions "node", "import", "default",
// else its files). Only specifiers listed in the worker's allow-list are resolved.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SPECIFIER = /^(?:@[a-z0-9~][\w.~-]*\/)?[a-z0-9~][\w.~-]*(?:\/[^\\\0]*)?$/i;
const CONDITIONS = new Set(['node', 'import', 'default']);

/** @internal Whether `value` is a bare package specifier (`pkg`, `pkg/sub`, `@scope/pkg/sub`). */
export function isPackageSpecifier(value: string): boolean {
  return SPECIFIER.test(value) && !value.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(value);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function conditional(target: unknown, star: string | undefined): string | undefined {
  if (typeof target === 'string') {
    return star === undefined ? target : target.replaceAll('*', star);
  }
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = conditional(t, star);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [key, value] of Object.entries(target)) {
      if (!CONDITIONS.has(key)) continue;
      const found = conditional(value, star);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function fromExports(exportsField: unknown, subpath: string): string | undefined {
  const map =
    typeof exportsField === 'object' &&
    exportsField !== null &&
    !Array.isArray(exportsField) &&
    Object.keys(exportsField).some((k) => k.startsWith('.'))
      ? (exportsField as Record<string, unknown>)
      : { '.': exportsField };
  if (Object.hasOwn(map, subpath)) return conditional(map[subpath], undefined);
  let best: { key: string; star: string } | undefined;
  for (const key of Object.keys(map)) {
    const at = key.indexOf('*');
    if (at < 0) continue;
    const prefix = key.slice(0, at);
    const suffix = key.slice(at + 1);
    if (
      subpath.length >= key.length - 1 &&
      subpath.startsWith(prefix) &&
      subpath.endsWith(suffix) &&
      (best === undefined || prefix.length > best.key.indexOf('*'))
    ) {
      best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best === undefined ? undefined : conditional(map[best.key], best.star);
}

/**
 * @internal Resolves a package specifier from the directory `root` (a `file:` URL
 * ending in `/`) to the module's `file:` URL; undefined when no package of that
 * name is installed there; throws an Error saying why when the package is there
 * but does not provide the module.
 */
export function resolvePackageSpecifier(specifier: string, root: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
  const subpath = `.${specifier.slice(name.length)}`;
  let dir = fileURLToPath(root);
  let packageDir: string | undefined;
  for (;;) {
    // the package itself, by its own name (self-reference), or one of node_modules
    const own = readJson(join(dir, 'package.json'));
    if (own?.name === name && own.exports !== undefined) {
      packageDir = dir;
      break;
    }
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) {
      packageDir = join(dir, 'node_modules', name);
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (packageDir === undefined) return undefined;
  const manifest = readJson(join(packageDir, 'package.json')) ?? {};
  let target: string | undefined;
  if (manifest.exports !== undefined && manifest.exports !== null) {
    target = fromExports(manifest.exports, subpath);
    if (target === undefined) {
      throw new Error(`package "${name}" does not export "${subpath}" for import`);
    }
  } else if (subpath === '.') {
    target = typeof manifest.main === 'string' ? manifest.main : 'index.js';
  } else {
    target = subpath;
  }
  const base = join(packageDir, target);
  for (const candidate of [base, `${base}.js`, `${base}.mjs`, join(base, 'index.js')]) {
    if (isFile(candidate)) return pathToFileURL(candidate).href;
  }
  throw new Error(`package "${name}" maps "${subpath}" to ${base}, which is not a file`);
}
