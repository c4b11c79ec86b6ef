// Fixes for the API-conformance review (/work/notes/conformance-threads.md): each
// test failed before its fix. Imports @par/threads by package name (the built dist).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ThreadPool, ThreadPoolExecutor, tasks } from '@par/threads';
import { afterEach, describe, expect, it } from 'vitest';

type Tasks = typeof import('./fixtures/conformance-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/conformance-tasks.mjs', import.meta.url));
const execFileAsync = promisify(execFile);
const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let pool: ThreadPool | undefined;
afterEach(async () => {
  await pool?.terminate();
  pool = undefined;
});

describe('a number as options (D4)', () => {
  it('new ThreadPool(n) is new ThreadPool({ maxWorkers: n })', async () => {
    pool = new ThreadPool(2);
    expect(pool.maxWorkers).toBe(2);
    expect(await pool.run(t.square, 3)).toBe(9);
  });

  it('new ThreadPoolExecutor(n) is new ThreadPoolExecutor({ maxWorkers: n })', async () => {
    const executor = new ThreadPoolExecutor(1);
    try {
      expect(await executor.submit(t.square, 4)).toBe(16);
    } finally {
      await executor.shutdown();
    }
  });

  it('a bad number is reported as `maxWorkers`', () => {
    expect(() => new ThreadPool(0)).toThrow(RangeError);
    expect(() => new ThreadPool(0)).toThrow(/`maxWorkers`/);
    expect(() => new ThreadPool(1.5)).toThrow(/`maxWorkers`/);
  });
});

describe('the call-descriptor form (D6)', () => {
  it('rejects an unknown key (a typo) naming it', async () => {
    pool = new ThreadPool(1);
    await expect(pool.run({ task: t.square, args: [1], timout: 100 } as never)).rejects.toThrow(
      /Unknown key `timout`/,
    );
  });

  it('accepts every documented key', async () => {
    pool = new ThreadPool(1);
    const buffer = new ArrayBuffer(8);
    expect(
      await pool.run({
        task: t.byteLength,
        args: [buffer],
        signal: new AbortController().signal,
        timeout: 10_000,
        transfer: [buffer],
      }),
    ).toBe(8);
  });
});

describe('inherited execArgv (D2)', () => {
  it('workers start when the parent runs with V8 / per-process flags, which they leave out', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        '--max-old-space-size=512',
        '--expose-gc',
        '--stack-size=900',
        '--title',
        'par-test',
        '--stack-trace-limit=20',
        '--no-warnings',
        fixture('conformance-fixes-exec-argv.mjs'),
      ],
      { timeout: 30_000 },
    );
    const { inherited } = JSON.parse(stdout);
    expect(inherited.execArgv).toEqual(['--no-warnings']);
  }, 40_000);

  it("the parent's --max-old-space-size becomes the workers' maxOldGenerationSizeMb", async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--max-old-space-size=512', fixture('conformance-fixes-exec-argv.mjs')],
      { timeout: 30_000 },
    );
    const { inherited } = JSON.parse(stdout);
    expect(inherited.resourceLimits.maxOldGenerationSizeMb).toBe(512);
  }, 40_000);

  it('an explicit execArgv option with such a flag still fails, naming the flag', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [fixture('conformance-fixes-exec-argv.mjs')],
      { timeout: 30_000 },
    );
    const { error } = JSON.parse(stdout);
    expect(error.name).toBe('BrokenPoolError');
    expect(error.cause).toMatch(/do not accept these flags in the `execArgv` option: --expose-gc/);
  }, 40_000);
});
