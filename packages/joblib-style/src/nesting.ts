// Nested Parallel: the pools this package starts mark their workers' environment
// with the nesting level, so a Parallel called inside a task runs on 'threads' at
// the first nested level and 'sequential' below (joblib's get_nested_backend).

const LEVEL = 'PAR_JOBLIB_NESTING';

function env(): Record<string, string | undefined> | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
}

/** 0 in the main program, 1 inside a task of a threads/processes backend, 2 below. */
export function nestingLevel(): number {
  const level = Number(env()?.[LEVEL] ?? 0);
  return Number.isInteger(level) && level > 0 ? level : 0;
}

/** The environment a backend's workers get: `base` (or the parent's) plus the nesting level. */
export function nestedEnv(
  base: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string | undefined> | undefined {
  const parent = base ?? env();
  if (parent === undefined) return undefined;
  return { ...parent, [LEVEL]: String(nestingLevel() + 1) };
}
