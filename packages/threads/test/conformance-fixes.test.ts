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
