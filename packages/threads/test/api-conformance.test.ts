// API conformance: @par/threads used the way design/API.md teaches it, imported by
// package name (the built dist), one documented sentence per test.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TimeoutError as AsyncTimeoutError } from '@par/async';
import {
  Barrier,
  cpuCount,
  Event,
  Lock,
  PoolClosedError,
  Semaphore,
  sharedArray,
  Thread,
  ThreadPool,
  ThreadPoolExecutor,
  TimeoutError,
  tasks,
  toThread,
  transfer,
  Value,
  WorkerCrashedError,
} from '@par/threads';
import { afterEach, describe, expect, it } from 'vitest';

type Tasks = typeof import('./fixtures/conformance-tasks.mjs');
const moduleUrl = new URL('./fixtures/conformance-tasks.mjs', import.meta.url);
const t = tasks<Tasks>(moduleUrl);
const execFileAsync = promisify(execFile);
const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let pool: ThreadPool | undefined;
afterEach(async () => {
  await pool?.terminate();
  pool = undefined;
});

function newPool(maxWorkers = 2): ThreadPool {
  pool = new ThreadPool({ maxWorkers });
  return pool;
}

describe('tasks()', () => {
  it('accepts a URL, a file: URL string and an absolute path', async () => {
    const p = newPool(1);
    const fromHref = tasks<Tasks>(moduleUrl.href);
    const fromPath = tasks<Tasks>(fileURLToPath(moduleUrl));
    expect(
      await Promise.all([p.run(t.square, 3), p.run(fromHref.square, 4), p.run(fromPath.square, 5)]),
    ).toEqual([9, 16, 25]);
  });
});

describe('ThreadPool#run', () => {
  it('takes the call-descriptor form { task, args }', async () => {
    expect(await newPool(1).run({ task: t.add, args: [1, 2] })).toBe(3);
  });

  it('never mistakes an object argument to a task for options', async () => {
    const arg = { task: 1, args: 2, signal: 3, timeout: 4, transfer: 5 };
    expect(await newPool(1).run(t.keysOf, arg)).toEqual([
      'args',
      'signal',
      'task',
      'timeout',
      'transfer',
    ]);
  });

  it('rejects (never throws) on a closed pool, a non-cloneable argument and an unknown task', async () => {
    const p = newPool(1);
    const unknown = (t as unknown as Record<string, typeof t.square>).nope as typeof t.square;
    const nonCloneable = p.run(t.keysOf, { f: () => 1 } as object);
    const missing = p.run(unknown, 1);
    await expect(nonCloneable).rejects.toMatchObject({ code: 'PAR_NOT_CLONEABLE' });
    await expect(missing).rejects.toMatchObject({ code: 'PAR_UNKNOWN_TASK' });
    await p.close();
    const closed = p.run(t.square, 1);
    await expect(closed).rejects.toBeInstanceOf(PoolClosedError);
    await expect(closed).rejects.toMatchObject({ code: 'PAR_POOL_CLOSED' });
  });

  it("names an unknown export and lists the module's exports", async () => {
    const unknown = (t as unknown as Record<string, typeof t.square>).nope as typeof t.square;
    const error = (await newPool(1)
      .run(unknown, 1)
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('nope');
    expect(error.message).toContain('square');
    expect(error.message).toContain('keysOf');
  });

  it('names the captured variable and shows the module form in the closure error', async () => {
    const factor = 3;
    const error = (await newPool(1)
      .run((n: number) => n * factor, 2)
      .catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('PAR_TASK_CLOSURE');
    expect(error.message).toContain('`factor`');
    expect(error.message).toContain("tasks(new URL('./tasks.js', import.meta.url))");
  });

  it('runs a self-contained function', async () => {
    expect(await newPool(1).run((n: number) => n * 2, 21)).toBe(42);
  });

  it('never waits behind a busy worker while fewer than maxWorkers exist', async () => {
    const p = newPool(2);
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const blocked = p.run(t.blockUntil, latch);
    // resolves although the first worker is blocked until we release it
    expect(await p.run(t.square, 7)).toBe(49);
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
    expect(await blocked).toBe('released');
  });

  it('rejects a timed-out call with TimeoutError (PAR_TIMEOUT) from @par/async and keeps serving', async () => {
    const p = newPool(1);
    const error = await p.run({ task: t.spinForever, args: [], timeout: 50 }).catch((e) => e);
    expect(TimeoutError).toBe(AsyncTimeoutError);
    expect(error).toBeInstanceOf(AsyncTimeoutError);
    expect(error.code).toBe('PAR_TIMEOUT');
    expect(await p.run(t.square, 6)).toBe(36);
  }, 30_000);

  it('gives async tasks their signal through taskSignal()', async () => {
    expect(await newPool(1).run(t.signalInAsyncTask)).toBe(true);
  });

  it('rejects with WorkerCrashedError carrying exitCode and signal when a task exits', async () => {
    const p = newPool(1);
    const error = await p.run(t.exitWith, 3).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ code: 'PAR_WORKER_CRASHED', exitCode: 3, signal: null });
    expect(await p.run(t.square, 2)).toBe(4);
  });

  it('a worker over resourceLimits rejects with WorkerCrashedError and is replaced', async () => {
    pool = new ThreadPool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const error = await pool.run(t.allocateForever).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.code).toBe('PAR_WORKER_CRASHED');
    expect(await pool.run(t.square, 3)).toBe(9);
  }, 30_000);

  it('moves a transferred buffer (transfer marker and descriptor form)', async () => {
    const p = newPool(1);
    const a = new ArrayBuffer(16);
    expect(await p.run(t.byteLength, transfer(a, [a]))).toBe(16);
    expect(a.byteLength).toBe(0);
    const b = new ArrayBuffer(8);
    expect(await p.run({ task: t.byteLength, args: [b], transfer: [b] })).toBe(8);
    expect(b.byteLength).toBe(0);
  });
});

describe('ThreadPool map family', () => {
  it('map keeps input order with chunkSize and any iterable', async () => {
    const p = newPool(2);
    function* numbers() {
      for (let i = 0; i < 10; i++) yield i;
    }
    expect(await p.map(t.square, numbers(), { chunkSize: 3 })).toEqual([
      0, 1, 4, 9, 16, 25, 36, 49, 64, 81,
    ]);
  });

  it('imap yields in input order and imapUnordered yields every result', async () => {
    const p = newPool(2);
    const ordered: number[] = [];
    for await (const r of p.imap(t.square, [1, 2, 3, 4], { chunkSize: 1 })) ordered.push(r);
    const unordered: number[] = [];
    for await (const r of p.imapUnordered(t.square, [1, 2, 3, 4])) unordered.push(r);
    expect(ordered).toEqual([1, 4, 9, 16]);
    expect(unordered.sort((x, y) => x - y)).toEqual([1, 4, 9, 16]);
  });

  it('starmap spreads each argument array', async () => {
    expect(
      await newPool(1).starmap(t.add, [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([3, 7]);
  });

  it('map rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(newPool(1).map(t.square, [1], { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('ThreadPool imap abort', () => {
  it('imap stops with the signal reason when aborted mid-iteration', async () => {
    const p = newPool(1);
    const controller = new AbortController();
    const reason = new Error('stop');
    const seen: string[] = [];
    const error = await (async () => {
      for await (const r of p.imap(t.delayed, ['a', 'b'], { signal: controller.signal })) {
        seen.push(r);
        controller.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['a']);
    expect(error).toBe(reason);
  });
});

describe('ThreadPool lifecycle and stats', () => {
  it('terminate() rejects queued and running calls with PoolClosedError before it resolves', async () => {
    const p = newPool(1);
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const settled: string[] = [];
    const running = p.run(t.blockUntil, latch).catch((e) => {
      settled.push(`running ${e.name}`);
    });
    const queued = p.run(t.square, 2).catch((e) => {
      settled.push(`queued ${e.name}`);
    });
    await p.terminate();
    settled.push('terminated');
    await Promise.all([running, queued]);
    expect(settled.sort()).toEqual([
      'queued PoolClosedError',
      'running PoolClosedError',
      'terminated',
    ]);
  });

  it('[Symbol.asyncDispose] is close(): queued work finishes', async () => {
    const p = newPool(1);
    const results = [p.run(t.square, 2), p.run(t.square, 3)];
    await p[Symbol.asyncDispose]();
    expect(await Promise.all(results)).toEqual([4, 9]);
    await expect(p.run(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('stats() has exactly the documented shape', async () => {
    const p = newPool(1);
    await p.run(t.square, 2);
    const stats = p.stats();
    expect(Object.keys(stats).sort()).toEqual(
      [
        'completed',
        'failed',
        'idle',
        'queued',
        'running',
        'runTime',
        'utilization',
        'waitTime',
        'workers',
      ].sort(),
    );
    expect(Object.keys(stats.runTime).sort()).toEqual(['p50', 'p90', 'p99']);
    expect(Object.keys(stats.waitTime).sort()).toEqual(['p50', 'p90', 'p99']);
    expect(stats).toMatchObject({ workers: 1, running: 0, queued: 0, completed: 1, failed: 0 });
  });

  it('workers inherit execArgv minus the main-script-only flags', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        '--input-type=module',
        '--no-warnings',
        '-e',
        `await import(${JSON.stringify(fixture('conformance-exec-argv.mjs'))})`,
      ],
      { timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toEqual(['--no-warnings']);
  }, 40_000);
});

describe('Thread', () => {
  it('isAlive is a boolean getter true from start() until the task settles', async () => {
    const latch = new Int32Array(new SharedArrayBuffer(4));
    const thread = new Thread(t.blockUntil, { args: [latch], name: 'worker-1' });
    expect(thread.isAlive).toBe(false);
    expect(thread.name).toBe('worker-1');
    expect(thread.start()).toBe(thread);
    expect(thread.isAlive).toBe(true);
    expect(typeof thread.threadId).toBe('number');
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
    expect(await thread.join()).toBe('released');
    expect(thread.isAlive).toBe(false);
  });

  it('join() before start() rejects and a second start() throws', async () => {
    const thread = new Thread(t.square, { args: [2] });
    await expect(thread.join()).rejects.toBeInstanceOf(Error);
    thread.start();
    expect(() => thread.start()).toThrow();
    expect(await thread.join()).toBe(4);
  });

  it('terminate() stops a running thread', async () => {
    const thread = new Thread(t.spinForever).start();
    await thread.terminate();
    expect(thread.isAlive).toBe(false);
  });
});

describe('ThreadPoolExecutor', () => {
  it('submit returns a PromiseLike Future with done/running/cancelled', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      const future = executor.submit(t.square, 4);
      expect(typeof future.then).toBe('function');
      expect(future.cancelled()).toBe(false);
      expect(await future).toBe(16);
      expect(future.done()).toBe(true);
      expect(future.running()).toBe(false);
      expect(future.cancel()).toBe(false);
    } finally {
      await executor.shutdown();
    }
  });

  it('map(task, ...iterables) yields in input order', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const out: number[] = [];
    for await (const r of executor.map(t.add, [1, 2, 3], [10, 20, 30])) out.push(r);
    await executor.shutdown({ wait: true });
    expect(out).toEqual([11, 22, 33]);
  });

  it('submit after shutdown rejects instead of throwing', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await executor.shutdown({ wait: true, cancelFutures: false });
    const future = executor.submit(t.square, 1);
    await expect(future).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('shared primitives', () => {
  it('Lock: promises on the main thread, synchronous acquire in a worker', async () => {
    const p = newPool(1);
    const lock = new Lock();
    const acquired = lock.acquire();
    expect(acquired).toBeInstanceOf(Promise);
    expect(await acquired).toBe(true);
    expect(await p.run(t.lockTryAcquire, lock)).toBe(false);
    lock.release();
    expect(await p.run(t.lockTryAcquire, lock)).toBe(true);
  });

  it('Barrier#wait returns each arrival index 0…parties−1 once', async () => {
    const p = newPool(2);
    const barrier = new Barrier(3);
    const indexes = await Promise.all([
      p.run(t.barrierWait, barrier),
      p.run(t.barrierWait, barrier),
      barrier.wait(),
    ]);
    expect(indexes.sort()).toEqual([0, 1, 2]);
  });

  it('timed waits on the main thread settle even when nothing else keeps the process alive', async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [fixture('conformance-timed-waits.mjs')],
      {
        timeout: 30_000,
      },
    );
    expect(JSON.parse(stdout)).toEqual([false, false, false]);
  }, 40_000);

  it('Semaphore and Event answer with booleans on the main thread', async () => {
    const semaphore = new Semaphore(1);
    expect(await semaphore.acquire()).toBe(true);
    expect(await semaphore.acquire({ timeout: 0 })).toBe(false);
    const event = new Event();
    const waiting = event.wait();
    event.set();
    expect(await waiting).toBe(true);
    expect(event.isSet()).toBe(true);
  });

  it('sharedArray and Value are shared with tasks', async () => {
    const p = newPool(1);
    const array = sharedArray(Float64Array, 4);
    expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    await p.run(t.fill, array);
    expect(Array.from(array)).toEqual([0, 2, 4, 6]);
    const value = new Value('i32', 0);
    await p.run(t.increment, value, 5);
    expect(value.value).toBe(5);
  });
});

describe('helpers', () => {
  it('toThread runs a task on the default pool', async () => {
    expect(await toThread(t.square, 7)).toBe(49);
  });

  it('cpuCount() is a positive integer', () => {
    expect(Number.isInteger(cpuCount())).toBe(true);
    expect(cpuCount()).toBeGreaterThan(0);
  });
});
