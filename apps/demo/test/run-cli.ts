// Runs the tour's command line as a user would (stdout not a terminal) and splits
// its output into the tables it printed.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { timeout: 180_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The rows of the table whose header line starts with `firstHeader`: the lines
 * after its rule, up to the next empty line, split into cells at runs of 2+ spaces.
 */
export function tableAfter(stdout: string, firstHeader: string): Record<string, string>[] {
  const lines = stdout.split('\n').map((line) => line.trim());
  const at = lines.findIndex((line) => line.startsWith(`${firstHeader}  `));
  if (at < 0) throw new Error(`no table with a "${firstHeader}" column in:\n${stdout}`);
  const headers = (lines[at] ?? '').split(/\s{2,}/);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 2)) {
    if (line === '') break;
    const cells = line.split(/\s{2,}/);
    rows.push(Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

/** π(n) by a sieve: an independent check of the demo's trial division. */
export function primesBelow(n: number): number {
  const composite = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}
