// Flags that only concern the parent's main script: a worker started with them
// would evaluate the parent's -e code (or read the entry as the wrong type).
// Each takes a value unless written as --flag=value.
const mainScriptOnly = new Set(['-e', '--eval', '-p', '--print', '-pe', '-ep', '--input-type']);

/**
 * The parent's `execArgv` minus `--input-type`, `-e`/`--eval`, `-p`/`--print` and
 * their values: what workers inherit, so that loaders such as tsx apply.
 *
 * @example
 * ```ts
 * inheritedExecArgv(['--import', 'tsx', '-e', 'code']); // ['--import', 'tsx']
 * ```
 */
export function inheritedExecArgv(
  execArgv: readonly string[] = (globalThis as { process?: { execArgv?: string[] } }).process
    ?.execArgv ?? [],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (mainScriptOnly.has(flag)) {
      if (eq < 0) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
