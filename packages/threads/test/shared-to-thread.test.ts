import { execFile } from 'node:child_process';
import { toThread } from '@par/threads';
import { describe, expect, it } from 'vitest';

describe('toThread', () => {
  it('runs a self-contained function on the default pool', async () => {
    await expect(toThread((n: number) => n * n, 7)).resolves.toBe(49);
  });

  it('does not keep the process alive once its work is done', async () => {
    const script = new URL('./fixtures/shared-to-thread.mjs', import.meta.url);
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve) => {
        const child = execFile(process.execPath, [script.pathname], (error, out) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out });
        });
        child.stdin?.end();
      },
    );
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'done' });
  });
});
