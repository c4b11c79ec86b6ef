import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without declarations
import { sections } from '../src/sections.mjs';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli.mjs', import.meta.url));

describe('demo', () => {
  it.each((sections as { id: string }[]).map((s) => s.id))(
    'section %s runs and prints',
    async (id) => {
      const { stdout } = await run(process.execPath, [cli, id], { timeout: 60_000 });
      expect(stdout).toContain('──');
      expect(stdout).not.toMatch(/Error:/);
    },
    90_000,
  );

  it('rejects an unknown section with exit code 2', async () => {
    const failure = await run(process.execPath, [cli, 'nope']).catch((e: { code: number }) => e);
    expect(failure).toMatchObject({ code: 2 });
  });
});
