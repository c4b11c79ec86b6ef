import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixtures = new URL('./fixtures/', import.meta.url).href;

// The parent is a `node --input-type=module -e` script, the case where inheriting
// execArgv verbatim would make every child evaluate the parent's code.
async function childExecArgv(body: string): Promise<string[]> {
  const script = `
    import { Pipe, Process, ProcessPool, tasks } from '@par/processes';
    const t = tasks(${JSON.stringify(`${fixtures}pool-tasks.mjs`)});
    const p = tasks(${JSON.stringify(`${fixtures}process-tasks.mjs`)});
    ${body}
  `;
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--input-type=module', '-e', script],
    { cwd: packageDir, timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as string[];
}

describe('children inherit execArgv minus the main-script flags', () => {
  it('ProcessPool children get --no-warnings but not -e or --input-type', async () => {
    const argv = await childExecArgv(`
      const pool = new ProcessPool({ maxWorkers: 1 });
      const report = await pool.run(t.environment, 'X');
      await pool.close();
      console.log(JSON.stringify(report.execArgv));
    `);
    expect(argv).toContain('--no-warnings');
    expect(argv.some((a) => a === '-e' || a.startsWith('--input-type'))).toBe(false);
    expect(argv).toEqual(['--no-warnings']);
  });

  it('a Process child gets --no-warnings but not -e or --input-type', async () => {
    const argv = await childExecArgv(`
      const [here, there] = Pipe();
      const child = new Process(p.reportEnvironment, { args: [there, 'X'] }).start();
      there.close();
      const report = await here.recv();
      await child.join();
      console.log(JSON.stringify(report.execArgv));
    `);
    expect(argv).toContain('--no-warnings');
    expect(argv.some((a) => a === '-e' || a.startsWith('--input-type'))).toBe(false);
  });
});
