import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcessPoolOptions, tasks } from '@par/processes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cacheDirectory, compileCached } from '../src/code-cache.js';
import { poolsForEachTest } from './helpers.js';

type Tasks = typeof import('./fixtures/code-cache-tasks.cjs');
const t = tasks<Tasks>(new URL('./fixtures/code-cache-tasks.cjs', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'par-code-cache-test-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** The cache files in a directory (none while it does not exist). */
function cacheFiles(directory: string): string[] {
  try {
    return readdirSync(directory).filter((name) => name.endsWith('.bin'));
  } catch {
    return [];
  }
}

describe('the cache directory', () => {
  it("is Node's NODE_COMPILE_CACHE (a folder of its own there), else one in the temporary directory", () => {
    expect(cacheDirectory({ NODE_COMPILE_CACHE: '/var/cache/node' })).toBe('/var/cache/node/par');
    expect(cacheDirectory({ TMPDIR: '/scratch/' })).toBe('/scratch/par-compile-cache');
    expect(cacheDirectory({})).toBe('/tmp/par-compile-cache');
  });

  it('is none with NODE_DISABLE_COMPILE_CACHE set, as for Node', () => {
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: dir })).toBe(
      undefined,
    );
  });
});

describe('compileCached', () => {
  function program(body: string): string {
    const file = join(dir, 'program.cjs');
    writeFileSync(file, body);
    return file;
  }

  function runIt(file: string, env: NodeJS.ProcessEnv): { state: string; value: unknown } {
    const compiled = compileCached(file, env);
    const module = { exports: {} as { value?: unknown } };
    compiled.run(module.exports, require, module as unknown as NodeJS.Module, dir);
    return { state: compiled.state, value: module.exports.value };
  }

  // Whether V8 takes a cache shows in a new process only (one that compiled the
  // source already has its code): the pool tests below start children for that.
  it('runs the file as CommonJS, and writes its cache a second later', () => {
    vi.useFakeTimers();
    const file = program('exports.value = [typeof require, __filename];');
    const env = { NODE_COMPILE_CACHE: dir };
    expect(runIt(file, env)).toEqual({ state: 'miss', value: ['function', file] });
    vi.advanceTimersByTime(999);
    expect(cacheFiles(join(dir, 'par'))).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(cacheFiles(join(dir, 'par'))).toHaveLength(1);
    expect(runIt(file, env).state).toBe('hit');
  });

  it('writes the cache at once on write(), and only once', () => {
    vi.useFakeTimers();
    const file = program('exports.value = 7;');
    const compiled = compileCached(file, { NODE_COMPILE_CACHE: dir });
    expect(compiled.write()).toBe(true);
    expect(cacheFiles(join(dir, 'par'))).toHaveLength(1);
    expect(compiled.write()).toBe(false);
    // the timer was cleared: nothing is written again a second later
    rmSync(join(dir, 'par'), { recursive: true });
    vi.advanceTimersByTime(1000);
    expect(cacheFiles(join(dir, 'par'))).toEqual([]);
  });

  it('does not use the cache of a file that changed since, even one of the same length', () => {
    vi.useFakeTimers();
    const file = program('exports.value = 1;');
    const env = { NODE_COMPILE_CACHE: dir };
    runIt(file, env);
    vi.advanceTimersByTime(1000);
    program('exports.value = 2;');
    // a later mtime, as a rewrite gets (the kernel's clock may not have ticked yet)
    const later = new Date(Date.now() + 10_000);
    utimesSync(file, later, later);
    expect(runIt(file, env)).toEqual({ state: 'miss', value: 2 });
  });

  it('neither reads nor writes a cache in a directory that others can write to', () => {
    vi.useFakeTimers();
    const file = program('exports.value = 4;');
    const shared = join(dir, 'par');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const env = { NODE_COMPILE_CACHE: dir };
    expect(runIt(file, env)).toEqual({ state: 'miss', value: 4 });
    vi.advanceTimersByTime(1000);
    expect(cacheFiles(shared)).toEqual([]);
  });

  it('runs the file as before when the cache cannot be written', () => {
    vi.useFakeTimers();
    const file = program('exports.value = 5;');
    // NODE_COMPILE_CACHE names a file: no directory can be made there
    const env = { NODE_COMPILE_CACHE: file };
    expect(runIt(file, env)).toEqual({ state: 'miss', value: 5 });
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(runIt(file, env)).toEqual({ state: 'miss', value: 5 });
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE set', () => {
    vi.useFakeTimers();
    const file = program('exports.value = 6;');
    const env = { NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: '1' };
    expect(runIt(file, env)).toEqual({ state: 'off', value: 6 });
    vi.advanceTimersByTime(1000);
    expect(cacheFiles(join(dir, 'par'))).toEqual([]);
  });
});

describe('a pool child', () => {
  const pool = poolsForEachTest(1);

  /**
   * Starts a pool child and returns what its start did with the cache, once it wrote a
   * new one (a child that found none usable writes it after its first answer, before
   * it runs its next call).
   */
  async function childThatWrites(options: ProcessPoolOptions): Promise<string> {
    const p = pool(options);
    const state = await p.run(t.codeCacheState);
    expect(await p.run(t.codeCacheWritten)).toBe(true);
    return state;
  }

  it('starts from the code cache that an earlier child wrote', async () => {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    expect(await childThatWrites({ env, execArgv: [] })).toBe('miss');
    expect(cacheFiles(join(dir, 'par'))).toHaveLength(1);
    expect(await pool({ env, execArgv: [] }).run(t.codeCacheState)).toBe('hit');
  });

  it('writes the cache once it answered its first call, before it runs its next', async () => {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    const p = pool({ env, execArgv: [] });
    expect(await p.run(t.codeCacheState)).toBe('miss');
    // the second call is sent after the first answer arrived: the child wrote the cache
    // right after that answer left
    expect(await p.run(t.codeCacheWritten)).toBe(true);
    expect(cacheFiles(join(dir, 'par'))).toHaveLength(1);
    // a child that started from the cache writes none
    const next = pool({ env, execArgv: [] });
    expect(await next.run(t.codeCacheState)).toBe('hit');
    expect(await next.run(t.codeCacheWritten)).toBe(false);
  });

  it('does not start from a cache that V8 rejects, and writes a new one', async () => {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    await childThatWrites({ env, execArgv: [] });
    const cache = join(dir, 'par', cacheFiles(join(dir, 'par'))[0] as string);
    // keep the key line, replace what V8 wrote after it
    const data = readFileSync(cache);
    const keyEnd = data.indexOf(10) + 1;
    const spoiled = Buffer.concat([data.subarray(0, keyEnd), Buffer.alloc(64, 7)]);
    writeFileSync(cache, spoiled);
    expect(await childThatWrites({ env, execArgv: [] })).toBe('rejected');
    expect(readFileSync(cache).equals(spoiled)).toBe(false);
    expect(await pool({ env, execArgv: [] }).run(t.codeCacheState)).toBe('hit');
  });

  it('keeps a cache per set of Node flags: a child started with others does not take it', async () => {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    const flags = ['--stack-size=900'];
    await childThatWrites({ env, execArgv: [] });
    expect(await childThatWrites({ env, execArgv: flags })).toBe('miss');
    expect(cacheFiles(join(dir, 'par'))).toHaveLength(2);
    expect(await pool({ env, execArgv: flags }).run(t.codeCacheState)).toBe('hit');
    expect(await pool({ env, execArgv: [] }).run(t.codeCacheState)).toBe('hit');
  });

  it('started from the cache, loads CommonJS task modules and runs inline tasks that import()', async () => {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    await childThatWrites({ env, execArgv: [] });
    const p = pool({ env, execArgv: [] });
    // the CommonJS module loads with import()
    expect(await p.run(t.codeCacheState)).toBe('hit');
    // an inline task whose own import() runs in the child (built from text: the test's
    // transform would rewrite an import() written here)
    const inline = new Function(
      "return import('node:os').then((os) => typeof os.cpus)",
    ) as () => Promise<string>;
    expect(await p.run(inline)).toBe('function');
  });
});
