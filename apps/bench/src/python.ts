// Finds the python3 for the Python rows of the benchmark: the first python3 that
// can import joblib, trying the system one (/usr/bin/python3, where Debian's
// python3-joblib installs joblib) before the python3s on PATH, which may be an
// unoptimised build (e.g. a pyenv shim) that runs the same code 1.4–1.6× slower.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** What a Python row says when no python3 can import joblib. */
export const NO_PYTHON = 'no python3 that can import joblib';

/**
 * The line a run prints at its start when its Python rows will be empty, saying how to
 * fill them (Debian's python3-joblib installs joblib for the system interpreter);
 * undefined when a python3 was found.
 */
export function pythonNotice(python: PythonInfo | null): string | undefined {
  if (python !== null) return undefined;
  return `Python rows: ${NO_PYTHON}, so they will read n/a. On Debian or Ubuntu, \`apt-get install python3-joblib\` installs it for ${SYSTEM_PYTHON}.`;
}

/** The system interpreter, tried first. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The interpreter the Python rows use, and its version (shown in the table). */
export interface PythonInfo {
  path: string;
  version: string;
}

/** The candidates in the order they are tried: the system python3, then every python3 on PATH. */
export function pythonCandidates(
  pathEnv: string | undefined,
  isExecutable: (file: string) => boolean,
): string[] {
  const found = [SYSTEM_PYTHON];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, 'python3');
    if (!found.includes(file)) found.push(file);
  }
  return found.filter(isExecutable);
}

/**
 * The first candidate whose `probe` answers with a version (the probe imports the
 * modules the Python rows need and prints `sys.version`), or null.
 */
export function choosePython(
  candidates: readonly string[],
  probe: (python: string) => string | null,
): PythonInfo | null {
  for (const path of candidates) {
    const version = probe(path);
    if (version !== null) return { path, version };
  }
  return null;
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    realpathSync(file);
    return true;
  } catch {
    return false;
  }
};

/** Runs `python -c "import joblib; …"` and returns the interpreter's version, or null. */
function probeJoblib(python: string): string | null {
  try {
    return execFileSync(
      python,
      ['-c', 'import joblib, multiprocessing, asyncio, platform; print(platform.python_version())'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
  } catch {
    return null; // cannot import joblib (or does not run): try the next one
  }
}

let chosen: PythonInfo | null | undefined;

/** The interpreter for every Python row of this run (chosen once), or null when none fits. */
export function findPython(): PythonInfo | null {
  chosen ??= choosePython(pythonCandidates(process.env.PATH, isExecutable), probeJoblib);
  return chosen;
}

/** The row name of a Python contender, naming the interpreter's version. */
export function pythonRow(what: string): string {
  const python = findPython();
  return python === null ? `Python ${what}` : `Python ${python.version} ${what}`;
}

/**
 * Runs a Python benchmark script that prints one JSON object on its last stdout line,
 * e.g. `{"items_per_s": 1000000}`, and returns it parsed.
 */
export function runPythonJson(
  python: string,
  script: string,
  args: string[] = [],
): Record<string, unknown> {
  const out = execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = out.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Record<string, unknown>;
}

/**
 * Runs `python/<script> <mode> [n]` once with the chosen interpreter: one measured
 * figure and the output the scenario checks. Null when no python3 fits.
 */
export function runPythonBench(
  script: string,
  mode: string,
  n?: number,
): { output: unknown; figure: number } | null {
  const python = findPython();
  if (python === null) return null;
  const out = runPythonJson(
    python.path,
    join(here, '..', 'python', script),
    n === undefined ? [mode] : [mode, String(n)],
  );
  if (typeof out.figure !== 'number' || out.output === undefined)
    throw new Error(`${script} ${mode} printed no figure or output: ${JSON.stringify(out)}`);
  return { output: out.output, figure: out.figure };
}

/** One run of `python/pool_bench.py <mode> [n]` (see {@link runPythonBench}). */
export function runPoolBench(mode: 'map' | 'threadmap' | 'burst' | 'startup', n?: number) {
  return runPythonBench('pool_bench.py', mode, n);
}
