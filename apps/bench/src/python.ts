// Finds a python3 for the Python rows of the benchmark. Debian's python3-joblib
// installs joblib for /usr/bin/python3, which may not be the first python3 on PATH.
import { execFileSync } from 'node:child_process';

const candidates = ['python3', '/usr/bin/python3', '/usr/local/bin/python3'];

/** The first python3 that runs (and imports every module in `modules`), or null. */
export function findPython(modules: string[] = []): string | null {
  for (const candidate of candidates) {
    try {
      const probe = modules.length ? `import ${modules.join(', ')}` : 'pass';
      execFileSync(candidate, ['-c', probe], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

/**
 * Runs a Python benchmark script that prints one JSON object on its last stdout line,
 * e.g. `{"items_per_s": 1000000}`, and returns it parsed.
 */
export function runPythonJson(
  python: string,
  script: string,
  args: string[] = [],
): Record<string, number> {
  const out = execFileSync(python, [script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = out.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Record<string, number>;
}
