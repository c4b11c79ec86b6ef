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

/** Resolves a task spec to the function it names, in the child. */
export async function loadTask(spec: WireTask): Promise<(...args: unknown[]) => unknown> {
  if (spec.source !== undefined) return compile(spec.source);
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
