import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

// toThread's default pool lives as long as its process, so the calls run in a child
// process of their own (a test file leaves no worker behind).
let run: { code: number | null; stdout: string };

beforeAll(async () => {
  const script = new URL('./fixtures/shared-to-thread.mjs', import.meta.url);
  run = await new Promise((resolve) => {
    // a process that stays alive is killed at the deadline, and fails the second test
    const options = { timeout: 60_000 };
    const child = execFile(process.execPath, [script.pathname], options, (error, stdout) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout });
    });
    child.stdin?.end();
  });
}, 90_000);

describe('toThread', () => {
  it('runs self-contained functions and task module calls on the default pool', () => {
    expect(JSON.parse(run.stdout || 'null')).toEqual([5, 81, 4]);
  });

  it('does not keep the process alive once its work is done', () => {
    expect(run.code).toBe(0);
  });
});
