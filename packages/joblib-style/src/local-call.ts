// Runs a delayed call in the calling thread (the 'async' and 'sequential'
// backends): a task reference's module is imported here, a function is called as is.

import { isTaskRef, type TaskRef } from '@par/core';

type AnyFn = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();

function importModule(url: string): Promise<Record<string, unknown>> {
  let module = modules.get(url);
  if (module === undefined) {
    module = import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
    modules.set(url, module);
    module.catch(() => modules.delete(url));
  }
  return module;
}

/** The function a delayed call's `fn` designates (imports a task reference's module). */
export async function resolveLocal(fn: unknown): Promise<AnyFn> {
  if (typeof fn === 'function') return fn as AnyFn;
  if (isTaskRef(fn)) {
    const ref = fn as TaskRef;
    const module = await importModule(ref.module);
    const value = module[ref.name];
    if (typeof value !== 'function') {
      throw new TypeError(
        `The module ${ref.module} has no function export \`${ref.name}\` (exports: ${Object.keys(module).join(', ') || 'none'})`,
      );
    }
    return value as AnyFn;
  }
  throw new TypeError(
    `Expected the delayed function to be a function or a task reference, got ${fn === null ? 'null' : typeof fn}`,
  );
}
