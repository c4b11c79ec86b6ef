import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrokenPoolError, PoolClosedError, ThreadPool } from '../dist/index.js';
import { latch, reached, release, t, until } from './pool-helpers.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let pool: ThreadPool;
afterEach(async () => {
  vi.useRealTimers();
  await pool?.terminate();
});

describe('worker start', () => {
  it('starts no worker until the first call', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    expect(pool.stats().workers).toBe(0);
    await pool.run(t.square, 1);
    expect(pool.stats().workers).toBe(1);
  });

  it('starts a new worker instead of waiting behind a busy one', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const l = latch();
    const blocked = pool.run(t.block, l);
    await reached(l, 0);
    // the only worker is blocked: this call needs a second one
    await expect(pool.run(t.square, 3)).resolves.toBe(9);
    expect(pool.stats().workers).toBe(2);
    release(l);
    await blocked;
  });

  it('never starts more than maxWorkers', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const ids = await Promise.all(Array.from({ length: 20 }, () => pool.run(t.whoami)));
    expect(new Set(ids).size).toBeLessThanOrEqual(2);
    expect(pool.stats().workers).toBeLessThanOrEqual(2);
  });

  it('starts minWorkers at construction', async () => {
    pool = new ThreadPool({ maxWorkers: 3, minWorkers: 2 });
    expect(pool.stats().workers).toBe(2);
  });

  it('runs the initializer once in each worker before its tasks', async () => {
    const counter = latch();
    pool = new ThreadPool({ maxWorkers: 2, initializer: t.init, initArgs: [counter, 41] });
    const l = latch();
    const blocked = pool.run(t.block, l);
    await reached(l, 0);
    await expect(pool.run(t.initValue)).resolves.toBe(41);
    await expect(pool.run(t.initValue)).resolves.toBe(41);
    release(l);
    await blocked;
    expect(Atomics.load(counter, 0)).toBe(2);
  });
});

describe('concurrentTasksPerWorker', () => {
  it('runs several async calls at once on one worker', async () => {
    pool = new ThreadPool({ maxWorkers: 1, concurrentTasksPerWorker: 2 });
    const l = latch();
    const calls = [pool.run(t.asyncBlock, l), pool.run(t.asyncBlock, l)];
    // both started although the first has not finished
    await reached(l, 0, 2);
    expect(pool.stats()).toMatchObject({ workers: 1 });
    release(l);
    await expect(Promise.all(calls)).resolves.toEqual([2, 2]);
  });

  it('shares a worker only when every worker is busy', async () => {
    pool = new ThreadPool({ maxWorkers: 2, concurrentTasksPerWorker: 2 });
    const l = latch();
    const calls = [pool.run(t.asyncBlock, l), pool.run(t.asyncBlock, l)];
    await reached(l, 0, 2);
    expect(pool.stats().workers).toBe(2);
    release(l);
    await Promise.all(calls);
  });
});

describe('timers in workers', () => {
  it('keep firing while calls stream in back to back', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await pool.run(t.startTicker);
    let calls = 0;
    // never idle for long: each answer is followed at once by the next call
    while ((await pool.run(t.tickCount)) < 3) {
      calls++;
      if (calls > 200_000) throw new Error('the worker never ran its timers');
    }
    expect(await pool.run(t.tickCount)).toBeGreaterThanOrEqual(3);
  });
});

describe('recycling', () => {
  it('replaces a worker after maxTasksPerWorker tasks', async () => {
    pool = new ThreadPool({ maxWorkers: 1, maxTasksPerWorker: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await pool.run(t.whoami));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[4]).toBe(ids[5]);
    expect(new Set(ids).size).toBe(3);
  });

  it('counts a map chunk as one task', async () => {
    pool = new ThreadPool({ maxWorkers: 1, maxTasksPerWorker: 2 });
    const first = await pool.run(t.whoami);
    await pool.map(
      t.square,
      Array.from({ length: 100 }, (_, i) => i),
      { chunkSize: 100 },
    );
    const third = await pool.run(t.whoami);
    expect(third).not.toBe(first);
  });

  it('starts the replacement before the old worker retires', async () => {
    pool = new ThreadPool({ maxWorkers: 1, maxTasksPerWorker: 1 });
    const l = latch();
    const call = pool.run(t.block, l);
    await reached(l, 0);
    // the old worker is still running its last task, and its successor exists already
    expect(pool.stats().workers).toBe(2);
    release(l);
    await call;
    await until(() => pool.stats().workers === 1);
  });
});

describe('idle workers', () => {
  it('stops a worker above minWorkers after idleTimeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    pool = new ThreadPool({ maxWorkers: 1, idleTimeout: 5_000 });
    await pool.run(t.square, 2);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(pool.stats().workers).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    vi.useRealTimers();
    await until(() => pool.stats().workers === 0);
  });

  it('keeps minWorkers alive past idleTimeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    pool = new ThreadPool({ maxWorkers: 2, minWorkers: 1, idleTimeout: 100 });
    await pool.run(t.square, 2);
    await vi.advanceTimersByTimeAsync(1_000);
    vi.useRealTimers();
    expect(pool.stats().workers).toBe(1);
  });

  it('never keeps the program alive', async () => {
    const { stdout } = await run(process.execPath, [fixture('pool-idle-exit.mjs')], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('result 144');
  });
});

describe('broken pool', () => {
  it('breaks after repeated start-up failures and rejects with BrokenPoolError', async () => {
    pool = new ThreadPool({ maxWorkers: 1, initializer: t.initFails });
    const error = (await pool.run(t.square, 2).catch((e: unknown) => e)) as BrokenPoolError;
    expect(error).toBeInstanceOf(BrokenPoolError);
    expect(error.code).toBe('PAR_BROKEN_POOL');
    expect((error.cause as Error).message).toBe('initializer failed');
    await expect(pool.run(t.square, 3)).rejects.toBeInstanceOf(BrokenPoolError);
  });
});

describe('close, terminate, dispose', () => {
  it('close() lets queued and running calls finish, then no worker remains', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const running = pool.run(t.block, l);
    const queued = pool.run(t.square, 4);
    await reached(l, 0);
    const closing = pool.close();
    await expect(pool.run(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
    release(l);
    await closing;
    await expect(running).resolves.toBe('released');
    await expect(queued).resolves.toBe(16);
    expect(pool.stats().workers).toBe(0);
  });

  it('terminate() rejects queued and running calls with PoolClosedError before it resolves', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const running = pool.run(t.block, l);
    const queued = pool.run(t.square, 4);
    await reached(l, 0);
    const outcomes: string[] = [];
    running.catch((e: unknown) => outcomes.push(`running ${(e as Error).name}`));
    queued.catch((e: unknown) => outcomes.push(`queued ${(e as Error).name}`));
    await pool.terminate();
    expect(outcomes.sort()).toEqual(['queued PoolClosedError', 'running PoolClosedError']);
    expect(pool.stats().workers).toBe(0);
  });

  it('[Symbol.asyncDispose] closes: queued work finishes', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const queued = pool.run(t.delayed, 'done', 5);
    await pool[Symbol.asyncDispose]();
    await expect(queued).resolves.toBe('done');
    expect(pool.stats().workers).toBe(0);
  });

  it('close() and terminate() can be called repeatedly', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await pool.run(t.square, 1);
    await Promise.all([pool.close(), pool.close()]);
    await pool.terminate();
    await pool.close();
    expect(pool.stats().workers).toBe(0);
  });

  it('after [Symbol.asyncDispose] the queued calls finished and new calls reject', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const results = [pool.run(t.square, 2), pool.run(t.square, 3)];
    await pool[Symbol.asyncDispose]();
    expect(await Promise.all(results)).toEqual([4, 9]);
    await expect(pool.run(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('execArgv', () => {
  // These start a Node process (tsx compiles on start-up): the timeouts are safety nets for a
  // busy machine, never the thing asserted.
  it('workers run a TypeScript task module when the app runs under tsx', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture('pool-tsx.mjs')], {
      timeout: 90_000,
    });
    expect(stdout.trim()).toBe('hello tsx');
  }, 120_000);

  it('workers run a TypeScript task module when the app runs under the tsx CLI', async () => {
    const cli = fileURLToPath(import.meta.resolve('tsx/cli'));
    const { stdout } = await run(process.execPath, [cli, fixture('pool-tsx.mjs')], {
      timeout: 90_000,
    });
    expect(stdout.trim()).toBe('hello tsx');
  }, 120_000);

  it('workers inherit flags but not --input-type', async () => {
    const script = `await import(${JSON.stringify(new URL('./fixtures/pool-exec-argv.mjs', import.meta.url).href)});`;
    const { stdout } = await run(
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', script],
      { timeout: 20_000 },
    );
    const argv = JSON.parse(stdout.trim()) as string[];
    expect(argv).toContain('--no-warnings');
    expect(argv.some((a) => a.startsWith('--input-type'))).toBe(false);
    expect(argv).not.toContain('-e');
    expect(argv).toEqual(['--no-warnings']);
  });

  it('workers start when the parent runs with V8 / per-process flags, which they leave out', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--max-old-space-size=512',
        '--expose-gc',
        '--stack-size=900',
        '--title',
        'par-test',
        '--stack-trace-limit=20',
        '--no-warnings',
        fixture('pool-inherited-exec-argv.mjs'),
      ],
      { timeout: 30_000 },
    );
    const { inherited } = JSON.parse(stdout);
    expect(inherited.execArgv).toEqual(['--no-warnings']);
  }, 40_000);

  it("the parent's --max-old-space-size becomes the workers' maxOldGenerationSizeMb", async () => {
    const { stdout } = await run(
      process.execPath,
      ['--max-old-space-size=512', fixture('pool-inherited-exec-argv.mjs')],
      { timeout: 30_000 },
    );
    const { inherited } = JSON.parse(stdout);
    expect(inherited.resourceLimits.maxOldGenerationSizeMb).toBe(512);
  }, 40_000);

  it('an explicit execArgv option with such a flag still fails, naming the flag', async () => {
    const { stdout } = await run(process.execPath, [fixture('pool-inherited-exec-argv.mjs')], {
      timeout: 30_000,
    });
    const { error } = JSON.parse(stdout);
    expect(error.name).toBe('BrokenPoolError');
    expect(error.cause).toMatch(/do not accept these flags in the `execArgv` option: --expose-gc/);
  }, 40_000);
});
