// Flags that only concern the parent's main script: a child started with them
// would evaluate the parent's -e code (or read the entry file as the wrong type)
// instead of running the worker entry. Each is followed by its value unless
// written as --flag=value.
const mainScriptOnly = new Set(['-e', '--eval', '-p', '--print', '-pe', '-ep', '--input-type']);

/** The parent's execArgv minus `--input-type`, `-e`/`--eval`, `-p`/`--print` and their values. */
export function inheritedExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
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
