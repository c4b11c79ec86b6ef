// API conformance: @par/processes used the way design/API.md teaches it, imported by
// package name (the built dist), one documented sentence per test.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TimeoutError as AsyncTimeoutError, asCompleted } from '@par/async';
import {
  BrokenPoolError,
  Connection,
  cpuCount,
  EOFError,
  NotCloneableError,
  Pipe,
  PoolClosedError,
  Process,
  ProcessPool,
  ProcessPoolExecutor,
  type ProcessPoolOptions,
  TaskClosureError,
  TaskModuleError,
  TimeoutError,
  taskSignal,
  tasks,
  UnknownTaskError,
  WorkerCrashedError,
} from '@par/processes';
import { Queue } from '@par/queue';
import { afterEach, describe, expect, it } from 'vitest';

type Tasks = typeof import('./fixtures/conformance-tasks.mjs');
const moduleUrl = new URL('./fixtures/conformance-tasks.mjs', import.meta.url);
const t = tasks<Tasks>(moduleUrl);
const execFileAsync = promisify(execFile);
const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let pool: ProcessPool | undefined;
afterEach(async () => {
  await pool?.terminate();
  pool = undefined;
});

function newPool(options: ProcessPoolOptions = {}): ProcessPool {
  pool = new ProcessPool({ maxWorkers: 1, ...options });
  return pool;
}

describe('exports', () => {
  it('exports the documented names', () => {
    for (const value of [
      tasks,
      taskSignal,
      cpuCount,
      Pipe,
      Process,
      ProcessPool,
      ProcessPoolExecutor,
      WorkerCrashedError,
      BrokenPoolError,
      PoolClosedError,
    ])
      expect(typeof value).toBe('function');
    expect(TimeoutError).toBe(AsyncTimeoutError);
  });
});

describe('ProcessPool', () => {
  it('Pool(4).map(square, range(10)) — the Python seed example', async () => {
    pool = new ProcessPool(4);
    expect(
      await pool.map(
        t.square,
        Array.from({ length: 10 }, (_, i) => i),
      ),
    ).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });

  it('accepts a URL, a file: URL string and an absolute path for tasks()', async () => {
    const p = newPool();
    expect(await p.run(tasks<Tasks>(moduleUrl.href).square, 4)).toBe(16);
    expect(await p.run(tasks<Tasks>(fileURLToPath(moduleUrl)).square, 5)).toBe(25);
  });

  it('run takes the call-descriptor form and never mistakes an object argument for options', async () => {
    const p = newPool();
    expect(await p.run({ task: t.add, args: [1, 2] })).toBe(3);
    expect(await p.run(t.keysOf, { task: 1, args: 2, timeout: 3 })).toEqual([
      'args',
      'task',
      'timeout',
    ]);
  });

  it('apply(task, args) and applyAsync return the result', async () => {
    const p = newPool();
    expect(await p.apply(t.add, [2, 3])).toBe(5);
    expect(await p.applyAsync(t.add, [4, 5])).toBe(9);
  });

  it('starmap, imap and imapUnordered mirror ThreadPool', async () => {
    const p = newPool({ maxWorkers: 2 });
    expect(
      await p.starmap(t.add, [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([3, 7]);
    const ordered: number[] = [];
    for await (const r of p.imap(t.square, [1, 2, 3], { chunkSize: 2 })) ordered.push(r);
    expect(ordered).toEqual([1, 4, 9]);
    const unordered: number[] = [];
    for await (const r of p.imapUnordered(t.square, [1, 2, 3])) unordered.push(r);
    expect(unordered.sort((a, b) => a - b)).toEqual([1, 4, 9]);
  });

  it('rejects (never throws) on a closed pool, a non-cloneable argument and an unknown task', async () => {
    const p = newPool();
    const unknown = (t as unknown as Record<string, typeof t.square>).nope as typeof t.square;
    const nonCloneable = p.run(t.keysOf, { f: () => 1 } as object);
    const missing = p.run(unknown, 1);
    await expect(nonCloneable).rejects.toBeInstanceOf(NotCloneableError);
    await expect(nonCloneable).rejects.toMatchObject({ code: 'PAR_NOT_CLONEABLE' });
    const error = (await missing.catch((e: unknown) => e)) as Error & { code: string };
    expect(error).toBeInstanceOf(UnknownTaskError);
    expect(error.code).toBe('PAR_UNKNOWN_TASK');
    expect(error.message).toContain('nope');
    expect(error.message).toContain('square');
    await p.close();
    await expect(p.run(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('names the captured variable and shows the module form in the closure error', async () => {
    const factor = 3;
    const error = await newPool()
      .run((n: number) => n * factor, 2)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TaskClosureError);
    expect(error.code).toBe('PAR_TASK_CLOSURE');
    expect(error.message).toContain('`factor`');
    expect(error.message).toContain("tasks(new URL('./tasks.js', import.meta.url))");
  });

  it('a missing task module rejects with TaskModuleError naming the path', async () => {
    const missing = tasks<Tasks>(new URL('./fixtures/conformance-missing.mjs', import.meta.url));
    const error = await newPool()
      .run(missing.square, 1)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TaskModuleError);
    expect(error.code).toBe('PAR_TASK_MODULE');
    expect(error.message).toContain('conformance-missing.mjs');
  });

  it('gives async tasks their signal through taskSignal()', async () => {
    expect(await newPool().run(t.signalInAsyncTask)).toBe(true);
  });

  it('timeout rejects with TimeoutError and kills a child that ignores its signal after the grace period', async () => {
    const p = newPool({ gracePeriod: 100 });
    const before = await p.run(t.pid);
    const error = await p.run({ task: t.spinIgnoringSignals, timeout: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(AsyncTimeoutError);
    expect(error.code).toBe('PAR_TIMEOUT');
    const after = await p.run(t.pid);
    expect(after).not.toBe(before);
  });

  it('maxTasksPerChild: a child runs exactly n tasks, and a map chunk counts as one', async () => {
    const p = newPool({ maxTasksPerChild: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) pids.push(await p.run(t.pid));
    expect(pids[0]).toBe(pids[1]);
    expect(pids[1]).not.toBe(pids[2]);
    expect(pids[2]).toBe(pids[3]);
    const chunked = await p.map(t.pidOf, [1, 2, 3, 4, 5, 6], { chunkSize: 3 });
    // two chunks of 3 = two tasks: one child runs all six items
    expect(new Set(chunked).size).toBe(1);
    expect(chunked[0]).not.toBe(pids[3]);
  });

  it('runs the initializer with initArgs in every child', async () => {
    const p = newPool({ initializer: t.setup, initArgs: ['ready'] });
    expect(await p.run(t.readSetup)).toBe('ready');
  });

  it('passes env and cwd to children', async () => {
    const cwd = tmpdir();
    const p = newPool({ env: { PAR_CONFORMANCE: 'yes' }, cwd });
    expect(await p.run(t.environment, 'PAR_CONFORMANCE')).toMatchObject({ value: 'yes', cwd });
  });

  it('a child over maxOldSpaceSize rejects with WorkerCrashedError and is replaced', async () => {
    const p = newPool({ maxOldSpaceSize: 32, stdio: 'ignore' });
    const error = await p.run(t.allocateForever).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.code).toBe('PAR_WORKER_CRASHED');
    expect(await p.run(t.square, 3)).toBe(9);
  });

  it('a child that exits rejects with WorkerCrashedError carrying exitCode and signal', async () => {
    const p = newPool();
    const error = await p.run(t.exitWith, 4).catch((e) => e);
    expect(error).toMatchObject({ code: 'PAR_WORKER_CRASHED', exitCode: 4, signal: null });
    expect(await p.run(t.square, 2)).toBe(4);
  });

  it('terminate() rejects queued and running calls with PoolClosedError before it resolves', async () => {
    const p = newPool();
    const settled: string[] = [];
    const running = p.run(t.sleep, 60_000).catch((e) => settled.push(`running ${e.name}`));
    const queued = p.run(t.square, 2).catch((e) => settled.push(`queued ${e.name}`));
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
    const p = newPool();
    const results = [p.run(t.sleep, 20), p.run(t.square, 3)];
    await p[Symbol.asyncDispose]();
    expect(await Promise.all(results)).toEqual([20, 9]);
  });

  it('stats() has exactly the documented shape', async () => {
    const p = newPool();
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
  });

  it('children inherit execArgv minus the main-script-only flags', async () => {
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
  });

  it('a Queue passed to a pool task arrives as a working handle', async () => {
    const queue = new Queue<number>();
    expect(await newPool().run(t.put, queue, 6)).toBe('function');
    expect(await queue.get()).toBe(6);
  });

  it('a pipe end can be passed to a pool task', async () => {
    const [here, there] = Pipe<number>();
    const done = newPool().run(t.double, there);
    here.send(21);
    expect(await here.recv()).toBe(42);
    await done;
  });
});

describe('ProcessPoolExecutor', () => {
  it('submit + asCompleted, map(task, ...iterables) in input order, shutdown', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const futures = [1, 2, 3].map((n) => executor.submit(t.square, n));
    const done: number[] = [];
    for await (const value of asCompleted(futures)) done.push(await value);
    expect(done.sort((a, b) => a - b)).toEqual([1, 4, 9]);
    const mapped: number[] = [];
    for await (const r of executor.map(t.add, [1, 2], [10, 20])) mapped.push(r);
    expect(mapped).toEqual([11, 22]);
    await executor.shutdown({ wait: true });
    await expect(executor.submit(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('Process', () => {
  it('start/join: exitCode is null until exit, join resolves to it, pid and isAlive', async () => {
    const child = new Process(t.sleep, { args: [10], name: 'sleeper' });
    expect(child.exitCode).toBeNull();
    expect(child.isAlive).toBe(false);
    expect(child.name).toBe('sleeper');
    expect(child.start()).toBe(child);
    expect(child.isAlive).toBe(true);
    expect(typeof child.pid).toBe('number');
    expect(await child.join()).toBe(0);
    expect(child.exitCode).toBe(0);
    expect(child.isAlive).toBe(false);
  });

  it('exitCode is -9 after kill() and -15 after terminate()', async () => {
    const killed = new Process(t.sleep, { args: [60_000] }).start();
    const terminated = new Process(t.sleep, { args: [60_000] }).start();
    killed.kill();
    terminated.terminate();
    expect(await killed.join()).toBe(-9);
    expect(await terminated.join()).toBe(-15);
    expect([killed.exitCode, terminated.exitCode]).toEqual([-9, -15]);
  });

  it('join({ timeout }) resolves null while the child still runs', async () => {
    const child = new Process(t.sleep, { args: [60_000] }).start();
    expect(await child.join({ timeout: 20 })).toBeNull();
    child.kill();
    expect(await child.join()).toBe(-9);
  });

  it('a task exiting with a code gives that exit code', async () => {
    expect(await new Process(t.exitWith, { args: [3] }).start().join()).toBe(3);
  });

  it('passes env and cwd', async () => {
    const [here, there] = Pipe<{ value: string | null; cwd: string; execArgv: string[] }>();
    const cwd = tmpdir();
    const child = new Process(t.sendEnvironment, {
      args: [there, 'PAR_CONFORMANCE'],
      env: { PAR_CONFORMANCE: 'on' },
      cwd,
    }).start();
    expect(await here.recv()).toMatchObject({ value: 'on', cwd });
    expect(await child.join()).toBe(0);
  });

  it('join() before start() rejects and a second start() throws', async () => {
    const child = new Process(t.square, { args: [2] });
    await expect(child.join()).rejects.toBeInstanceOf(Error);
    child.start();
    expect(() => child.start()).toThrow();
    expect(await child.join()).toBe(0);
  });

  it('a Queue passed to a Process task arrives as a handle', async () => {
    const queue = new Queue<number>();
    const child = new Process(t.put, { args: [queue, 5] }).start();
    expect(await child.join()).toBe(0);
    expect(await queue.get()).toBe(5);
  });
});

describe('Pipe', () => {
  it('returns two Connections; send/recv through a child', async () => {
    const [parentEnd, childEnd] = Pipe<number>();
    expect(parentEnd).toBeInstanceOf(Connection);
    const child = new Process(t.double, { args: [childEnd] }).start();
    childEnd.close();
    parentEnd.send(21);
    expect(await parentEnd.recv()).toBe(42);
    await expect(parentEnd.recv()).rejects.toBeInstanceOf(EOFError);
    expect(await child.join()).toBe(0);
  });

  it('delivers what was sent before close(), then recv rejects with EOFError (PAR_EOF)', async () => {
    const [a, b] = Pipe<number>();
    a.send(1);
    a.send(2);
    a.close();
    expect(await b.recv()).toBe(1);
    expect(await b.recv()).toBe(2);
    const error = await b.recv().catch((e) => e);
    expect(error).toBeInstanceOf(EOFError);
    expect(error.code).toBe('PAR_EOF');
  });

  it('recv() waits while the pipe is open', async () => {
    const [a, b] = Pipe<string>();
    const pending = b.recv();
    a.send('later');
    expect(await pending).toBe('later');
  });
});
