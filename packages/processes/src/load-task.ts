import { register } from 'node:module';
import type { WireTask } from '@par/core';

const compiled = new Map<string, (...args: unknown[]) => unknown>();

function compile(source: string): (...args: unknown[]) => unknown {
  let fn = compiled.get(source);
  if (fn) return fn;
  try {
    fn = new Function(`return (${source});`)() as (...args: unknown[]) => unknown;
  } catch (error) {
    // a method written in shorthand (`square(n) { ... }`) is not an expression on its own
    if (!(error instanceof SyntaxError)) throw error;
    const prefix = source.startsWith('async ') ? 'async function ' : 'function ';
    fn = new Function(`return (${prefix}${source.replace(/^async\s+/, '')});`)() as (
      ...args: unknown[]
    ) => unknown;
  }
  compiled.set(source, fn);
  return fn;
}

// Shared with @par/core's worker runtime (same global flag), so tsx's hooks are
// registered at most once per process.
const tsHooksKey = Symbol.for('@par/core.typescriptHooks');

/**
 * A TypeScript task module in a child without a TypeScript loader (a test runner's
 * worker as the parent, an app not started with tsx): register tsx's hooks once, if
 * tsx can be resolved from the module, as @par/core's runtime does for pool tasks.
 */
function ensureTypeScriptHooks(url: string): void {
  if (!/\.(?:[mc]?ts|tsx)$/.test(new URL(url).pathname)) return;
  const scope = globalThis as { [tsHooksKey]?: boolean };
  if (scope[tsHooksKey]) return;
  scope[tsHooksKey] = true;
  const hasLoader = process.execArgv.some(
    (arg, i, all) =>
      /^--(?:import|loader|experimental-loader)(?:=tsx)?/.test(arg) &&
      (arg.includes('tsx') || all[i + 1]?.startsWith('tsx')),
  );
  if (hasLoader) return;
  try {
    register('tsx/esm', url);
  } catch {
    // tsx is not installed: the import reports the unknown extension
  }
}

/** Resolves a task spec to the function it names, in the child. */
export async function loadTask(spec: WireTask): Promise<(...args: unknown[]) => unknown> {
  if (spec.source !== undefined) return compile(spec.source);
  ensureTypeScriptHooks(spec.module);
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const fn = mod[spec.name];
  if (typeof fn !== 'function') {
    const exported = Object.keys(mod).filter((key) => typeof mod[key] === 'function');
    throw new TypeError(
      `${spec.module} has no exported function '${spec.name}'; its exported functions are: ${
        exported.join(', ') || '(none)'
      }`,
    );
  }
  return fn as (...args: unknown[]) => unknown;
}
