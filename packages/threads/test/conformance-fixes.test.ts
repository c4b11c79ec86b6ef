// Fixes for the API-conformance review (/work/notes/conformance-threads.md): each
// test failed before its fix. Imports @par/threads by package name (the built dist).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CancelledError } from '@par/async';
import { ThreadPool, ThreadPoolExecutor, tasks } from '@par/threads';
import { afterEach, describe, expect, it, vi } from 'vitest';

type Tasks = typeof import('./fixtures/conformance-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/conformance-tasks.mjs', import.meta.url));
const execFileAsync = promisify(execFile);
const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let pool: ThreadPool | undefined;
afterEach(async () => {
  vi.useRealTimers();
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

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function release(latch: Int32Array): void {
  Atomics.store(latch, 0, 1);
  Atomics.notify(latch, 0);
}

/** A self-contained task that counts its runs in a shared counter. */
function countRun(counter: Int32Array, n: number): number {
  Atomics.add(counter, 0, 1);
  return n * n;
}

/** Marks `latch[1]` once running, then blocks until `latch[0]` is set. */
function blockUntilReleased(latch: Int32Array): string {
  Atomics.store(latch, 1, 1);
  Atomics.wait(latch, 0, 0);
  return 'released';
}

const newLatch = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));
const blocking = (latch: Int32Array): boolean => Atomics.load(latch, 1) === 1;

/** A call of a quick task with a known run time goes to a busy worker at once (pipelined). */
const warmUp = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/**
 * Freezes the clock the pool reads. The pool hands a queued call to a busy worker only
 * while that worker made progress within the last few milliseconds (it never piles work
 * behind a long call); on a busy machine more time than that can pass between the
 * warm-up's result and the next submit. With the clock frozen, the call always goes to
 * the worker, whatever the machine's load.
 */
const freezePoolClock = (): void => {
  vi.useFakeTimers({ toFake: ['performance'] });
};

describe('calls waiting behind a busy worker (D1)', () => {
  it('a future that has not started is not running() and can be cancelled; it never runs', async () => {
    freezePoolClock();
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const latch = newLatch();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    try {
      await executor.submit(countRun, warmUp(), 1);
      const busy = executor.submit(blockUntilReleased, latch);
      const queued = executor.submit(countRun, counter, 2);
      await until(() => blocking(latch));
      expect(busy.running()).toBe(true);
      expect(executor.stats().queued).toBe(0); // it waits in the worker, not in the pool
      expect(queued.running()).toBe(false);
      expect(queued.cancel()).toBe(true);
      expect(queued.cancelled()).toBe(true);
      expect(queued.done()).toBe(true);
      await expect(queued).rejects.toBeInstanceOf(CancelledError);
      release(latch);
      expect(await busy).toBe('released');
      // the worker answers in order: once a later call ran, the cancelled one was skipped
      expect(await executor.submit(countRun, counter, 3)).toBe(9);
      expect(Atomics.load(counter, 0)).toBe(1);
    } finally {
      release(latch);
      await executor.shutdown();
    }
  });

  it('cancel() is false once the call started', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const latch = newLatch();
    try {
      const busy = executor.submit(blockUntilReleased, latch);
      await until(() => blocking(latch));
      expect(busy.running()).toBe(true);
      expect(busy.cancel()).toBe(false);
      expect(busy.cancelled()).toBe(false);
      release(latch);
      expect(await busy).toBe('released');
    } finally {
      release(latch);
      await executor.shutdown();
    }
  });

  it('shutdown({ cancelFutures: true }) cancels futures waiting in a busy worker; they never run', async () => {
    freezePoolClock();
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const latch = newLatch();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await executor.submit(countRun, warmUp(), 1);
    const busy = executor.submit(blockUntilReleased, latch);
    const queued = [executor.submit(countRun, counter, 2), executor.submit(countRun, counter, 3)];
    await until(() => blocking(latch));
    expect(executor.stats().queued).toBe(0);
    const shutdown = executor.shutdown({ cancelFutures: true });
    for (const future of queued) expect(future.cancelled()).toBe(true);
    release(latch);
    await shutdown;
    expect(await busy).toBe('released');
    for (const future of queued) await expect(future).rejects.toBeInstanceOf(CancelledError);
    expect(Atomics.load(counter, 0)).toBe(0);
  });

  it('pool.run with a signal aborted while the call waits in a busy worker never runs the task', async () => {
    freezePoolClock();
    pool = new ThreadPool({ maxWorkers: 1 });
    const latch = newLatch();
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await pool.run(countRun, warmUp(), 1);
    const busy = pool.run(blockUntilReleased, latch);
    const controller = new AbortController();
    const waiting = pool.run({ task: countRun, args: [counter, 2], signal: controller.signal });
    await until(() => blocking(latch));
    expect(pool.stats().queued).toBe(0);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    release(latch);
    expect(await busy).toBe('released');
    expect(await pool.run(countRun, counter, 3)).toBe(9);
    expect(Atomics.load(counter, 0)).toBe(1);
  });
});
