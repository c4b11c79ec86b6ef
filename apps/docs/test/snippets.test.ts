// Every code sample the docs show lives in snippets/ and runs here, as a user would
// run it: in its own Node process (TypeScript through tsx), which must exit with 0.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../snippets/', import.meta.url));
// task modules used by other snippets are not samples of their own
const snippets = readdirSync(dir).filter((f) => /\.(ts|mjs)$/.test(f) && !/(^|-)tasks?\./.test(f));

describe('docs snippets', () => {
  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  it.each(snippets)(
    '%s runs to completion',
    async (file) => {
      const args = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
      const { stderr } = await run(process.execPath, args, { cwd: dir, timeout: 60_000 });
      expect(stderr).not.toMatch(/Error|Warning/);
    },
    90_000,
  );
});
