// Task loading in a worker: imports task modules (cached; registering tsx for a
// TypeScript module when needed), compiles self-contained functions once, and
// keeps the table of task keys the parent defined.

import { TaskClosureError, TaskModuleError, UnknownTaskError } from '../errors.js';
import type { WireTask } from '../transport.js';

// biome-ignore lint/suspicious/noExplicitAny: task functions take anything
export type AnyFn = (...args: any[]) => unknown;

/** @internal A task as the worker knows it: its function once loaded, or why it failed. */
export interface Entry {
  fn: AnyFn | undefined;
  name: string;
  module: string | undefined;
  error: unknown;
  loading: Promise<void> | undefined;
  /**
   * How long (ms) its last synchronous run on this worker took; undefined until one
   * ended. A call of a task not known to be quick (a few ms) may run long or never
   * return (out of memory, a kill), so the worker first sends the results it holds: a
   * finished call never waits behind it, nor is it blamed for its death.
   */
  lastMs?: number;
  /** {@link lastMs} for its map chunks, which run many items per call (kept apart, as the pool does). */
  chunkLastMs?: number;
}

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

const tsHooksKey = Symbol.for('@par/core.typescriptHooks');

/**
 * A TypeScript task module in a worker that has no TypeScript loader (a test
 * runner's worker, an app not started with tsx): register tsx's hooks once, if
 * tsx can be resolved from the module, so the import works as it would under
 * `node --import tsx`. A worker entry that registered a loader itself sets the flag.
 */
function ensureTypeScriptHooks(url: string): void {
  // the URL's path without its query and fragment (not through URL: its first use is
  // part of a worker's start-up)
  if (!/\.(?:[mc]?ts|tsx)$/.test(url.replace(/[?#].*$/s, ''))) return;
  const scope = globalThis as { [tsHooksKey]?: boolean };
  if (scope[tsHooksKey]) return;
  scope[tsHooksKey] = true;
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (
    // a process started with a tsx loader (`--import tsx`, the tsx CLI) has its hooks
    proc?.execArgv.some((a, i, all) => {
      const m = /^--(?:import|loader|experimental-loader)(?:=(.*))?$/.exec(a);
      if (m === null) return false;
      const spec = m[1] ?? all[i + 1] ?? '';
      return spec === 'tsx' || spec.startsWith('tsx/') || /[\\/]tsx[\\/]/.test(spec);
    })
  ) {
    return;
  }
  const mod = proc?.getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;
  try {
    mod?.register?.('tsx/esm', url);
  } catch {
    // tsx not installed (or refused): the import reports the unknown extension
  }
}

/** Flags that install module hooks, which a require() might not go through as an import does. */
const HOOK_FLAG = /(?:^|\s)(?:--import|--loader|--experimental-loader|--require|-r)(?:[=\s]|$)/;

type NodeModules = {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  url: typeof import('node:url');
};

/**
 * Whether the file at `path` is an ES module by Node's rules: a `.mjs` file, or a
 * `.js` file whose nearest package.json says `"type": "module"`.
 */
function isEsModuleFile(path: string, { fs, path: p }: NodeModules): boolean {
  if (path.endsWith('.mjs')) return true;
  if (!path.endsWith('.js')) return false;
  for (let dir = p.dirname(path); ; dir = p.dirname(dir)) {
    let text: string;
    try {
      text = fs.readFileSync(p.join(dir, 'package.json'), 'utf8');
    } catch {
      if (p.dirname(dir) === dir) return false;
      continue;
    }
    try {
      return (JSON.parse(text) as { type?: unknown } | null)?.type === 'module';
    } catch {
      return false;
    }
  }
}

/**
 * An ES task module loaded with require(), or undefined where import() loads it.
 *
 * Node (20.19+, 22.12+) can require() an ES module: synchronously, without starting
 * the asynchronous pipeline of its ES module loader, which is most of the cost of a
 * child process's first call. It is the same module: import() later returns it, and
 * a module that failed stays failed (import() gives the same error without running
 * it again).
 *
 * Only for an ES module file (a CommonJS module's import() namespace is not its
 * exports, and one that throws would run again), in a process without module hooks
 * (a loader flag, or tsx registered for a TypeScript task module). Whatever require()
 * refuses or fails on (top-level await, a hook registered at run time) is left to
 * import(), which then reports the error as it always did.
 */
function requireEsModule(url: string): Record<string, unknown> | undefined {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (
    proc?.features?.require_module !== true ||
    !/^file:[^?#]*\.m?js$/.test(url) ||
    (globalThis as { [tsHooksKey]?: boolean })[tsHooksKey] === true ||
    HOOK_FLAG.test(proc.execArgv.join(' ')) ||
    HOOK_FLAG.test(proc.env.NODE_OPTIONS ?? '')
  ) {
    return undefined;
  }
  const node = {
    fs: proc.getBuiltinModule('node:fs'),
    path: proc.getBuiltinModule('node:path'),
    url: proc.getBuiltinModule('node:url'),
  } as NodeModules;
  let path: string;
  try {
    path = node.url.fileURLToPath(url);
  } catch {
    return undefined;
  }
  if (!isEsModuleFile(path, node)) return undefined;
  try {
    const mod = requireFrom(url, proc)(path) as { [Symbol.toStringTag]?: unknown } | null;
    return mod?.[Symbol.toStringTag] === 'Module' ? (mod as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal How a worker entry that is a CommonJS program (a child process's) has task
 * code loaded, from a file that Node itself compiled.
 */
export interface EntryLoaders {
  /**
   * Its require(), which loads an absolute path as any other does: node:module, which
   * such a program has not loaded, then stays out of the worker's start-up.
   */
  require: NodeJS.Require;
  /**
   * import(). An entry compiled with V8's code cache (`vm.Script`) cannot import():
   * Node gives the code of a `vm.Script` no module loader of its own unless asked with
   * an experimental option, which prints a warning.
   */
  import(url: string): Promise<unknown>;
  /** `new Function(body)`, for an inline task's source, which may import() too. */
  functionFrom(body: string): () => unknown;
}

let entryLoaders: EntryLoaders | undefined;

/** @internal Hands over the entry's loaders (see EntryLoaders). */
export function useEntryLoaders(loaders: EntryLoaders): void {
  entryLoaders = loaders;
}

/** A require() for an absolute path. */
function requireFrom(url: string, proc: NodeJS.Process): NodeJS.Require {
  return (
    entryLoaders?.require ??
    (proc.getBuiltinModule('node:module') as typeof import('node:module')).createRequire(url)
  );
}

function importModule(url: string): Promise<Record<string, unknown>> {
  let loading = moduleCache.get(url);
  if (loading === undefined) {
    ensureTypeScriptHooks(url);
    const required = requireEsModule(url);
    loading =
      required !== undefined
        ? Promise.resolve(required)
        : ((entryLoaders?.import(url) ?? import(/* @vite-ignore */ url)) as Promise<
            Record<string, unknown>
          >);
    moduleCache.set(url, loading);
  }
  return loading;
}

function displayPath(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

function functionExports(mod: Record<string, unknown>): string[] {
  return Object.keys(mod)
    .filter((k) => typeof mod[k] === 'function')
    .sort();
}

async function loadExport(module: string, name: string): Promise<AnyFn> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(module);
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    const path = displayPath(module);
    const notFound =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') &&
      String((error as Error).message).includes(path.split('/').pop() ?? path);
    throw new TaskModuleError(
      notFound
        ? `Cannot find the task module ${path}${path === module ? '' : ` (${module})`}`
        : `The task module ${path} failed to load: ${(error as Error)?.message ?? String(error)}`,
      module,
      { cause: error },
    );
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const exports = functionExports(mod);
    const listed = exports.length > 0 ? exports.map((e) => `\`${e}\``).join(', ') : '(none)';
    throw new UnknownTaskError(
      `The module ${displayPath(module)} has no exported function \`${name}\`${
        fn === undefined ? '' : ` (it is ${typeof fn})`
      }. Its function exports: ${listed}`,
      exports,
    );
  }
  return fn as AnyFn;
}

function compile(source: string, name: string): AnyFn {
  const attempts = [`(${source}\n)`, `({ ${source}\n})[${JSON.stringify(name)}]`];
  let firstError: unknown;
  for (const code of attempts) {
    try {
      // Compiled in global scope, so the function sees globals and nothing else.
      const body = `return ${code}`;
      const fn = (entryLoaders?.functionFrom(body) ?? new Function(body))() as unknown;
      if (typeof fn === 'function') return fn as AnyFn;
    } catch (error) {
      firstError ??= error;
    }
  }
  throw new TypeError(
    `The task function \`${name || '<anonymous>'}\` cannot be sent to a worker: its source does not compile on its own (native, bound and class-method functions cannot be sent). Export it from a module and pass tasks(new URL('./tasks.js', import.meta.url)).${name || 'fn'} instead.`,
    { cause: firstError },
  );
}

/** Turns "x is not defined" from an inline function into the closure error. */
export function closureError(error: unknown, entry: Entry): unknown {
  if (entry.module !== undefined || !(error instanceof ReferenceError)) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  const variable = match?.[1];
  if (variable === undefined || variable in globalThis) return error;
  const name = entry.name || 'name';
  return new TaskClosureError(
    `The function \`${entry.name || '<anonymous>'}\` sent to a worker uses \`${variable}\`, a variable from outside its own source; a self-contained function carries only its source text. Pass \`${variable}\` as an argument, or export the function from a module and pass a reference: tasks(new URL('./tasks.js', import.meta.url)).${name}`,
    variable,
    { cause: error },
  );
}

/** @internal The functions the parent defined on this worker, by key. */
export class TaskTable {
  readonly #entries = new Map<number, Entry>();

  /** The entry of `key` (an entry that reports an unknown key if it was never defined). */
  get(key: number): Entry {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        fn: undefined,
        name: '',
        module: undefined,
        error: new Error(`Unknown task key ${key}`),
        loading: undefined,
      };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Defines `key`: compiles a self-contained function now, or starts loading a module export. */
  define(key: number, module: unknown, name: unknown, source: unknown): void {
    const entry: Entry = {
      fn: undefined,
      name: String(name),
      module: typeof module === 'string' ? module : undefined,
      error: undefined,
      loading: undefined,
    };
    this.#entries.set(key, entry);
    if (typeof source === 'string') {
      try {
        entry.fn = compile(source, entry.name);
      } catch (error) {
        entry.error = error;
      }
    } else if (entry.module !== undefined) {
      entry.loading = loadExport(entry.module, entry.name).then(
        (fn) => {
          entry.fn = fn;
          entry.loading = undefined;
        },
        (error: unknown) => {
          entry.error = error;
          entry.loading = undefined;
        },
      );
    }
  }
}

/**
 * Loads a task in this thread the way the worker runtime does: imports the module
 * (registering tsx for a `.ts` module when needed) and checks the export, or
 * compiles a self-contained function. Rejects with `UnknownTaskError`,
 * `TaskModuleError` or a `TypeError` for an uncompilable function.
 *
 * @example
 * ```ts
 * const fn = await resolveWireTask({ module: 'file:///app/tasks.js', name: 'square' });
 * ```
 */
export async function resolveWireTask(task: WireTask): Promise<AnyFn> {
  if (task.source !== undefined) return compile(task.source, task.name);
  return loadExport(task.module, task.name);
}
