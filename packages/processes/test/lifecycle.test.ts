import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isRunning } from './helpers.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixtures = new URL('./fixtures/', import.meta.url).href;

async function waitUntilGone(pid: number): Promise<boolean> {
  // bounded: a broken build must fail, not hang
  for (let i = 0; i < 200 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(pid);
}

describe('program exit', () => {
  it('after close() resolves, no timer of the pool keeps the program alive', async () => {
    const { stdout } = await run(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/close-leaves-no-timer.mjs', import.meta.url))],
      { cwd: packageDir, timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ timers: [] });
  });

  it('an idle pool does not keep the program alive, and its children exit with it', async () => {
    const script = `
      import { ProcessPool, tasks } from '@par/processes';
      const t = tasks(${JSON.stringify(`${fixtures}pool-tasks.mjs`)});
      const pool = new ProcessPool({ maxWorkers: 2 });
      console.log(await pool.run(t.pid));
    `;
    // resolves only when the script exits on its own (never closing the pool)
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      timeout: 60_000,
    });
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilGone(pid)).toBe(true);
  });

  it('a daemon Process does not keep the program alive and dies with it', async () => {
    const script = `
      import { Process, tasks } from '@par/processes';
      const t = tasks(${JSON.stringify(`${fixtures}process-tasks.mjs`)});
      const child = new Process(t.waitForever, { daemon: true }).start();
      console.log(child.pid);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      timeout: 60_000,
    });
    expect(await waitUntilGone(Number(stdout.trim()))).toBe(true);
  });
});
