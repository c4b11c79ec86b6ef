import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { TimeoutError } from '@par/async';
import { engineOf } from '@par/core/internal';
import {
  BrokenPoolError,
  cpuCount,
  EOFError,
  NotCloneableError,
  Pipe,
  PoolClosedError,
  ProcessPool,
  TaskClosureError,
  TaskModuleError,
  tasks,
  UnknownTaskError,
  WorkerCrashedError,
} from '@par/processes';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRunning, poolsForEachTest, untilStarted } from './helpers.js';

type Tasks = typeof import('./fixtures/pool-tasks.mjs');
const moduleUrl = new URL('./fixtures/pool-tasks.mjs', import.meta.url);
const t = tasks<Tasks>(moduleUrl);

/** The pids the `holdStart` initializer recorded in `dir`. */
function startedPids(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('started-'))
    .map((name) => Number(name.slice('started-'.length)));
}

/** Waits, yielding to the event loop, until `condition()` holds (the test's timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const pool = poolsForEachTest(2);
afterEach(() => {
  vi.useRealTimers();
});

describe('ProcessPool: the seed example', () => {
  it('Pool(4).map(square, range(10)) gives the squares in order', async () => {
    const p = pool({ maxWorkers: 4 });
    expect(await p.map(t.square, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([
      0, 1, 4, 9, 16, 25, 36, 49, 64, 81,
    ]);
  });
});

describe('ProcessPool calls', () => {
  it('run() runs a task in a child process', async () => {
    const p = pool();
    const child = await p.run(t.pid);
    expect(child).not.toBe(process.pid);
    expect(await p.run(t.square, 7)).toBe(49);
  });

  it('run() takes a self-contained function', async () => {
    expect(await pool().run((a: number, b: number) => a * b, 6, 7)).toBe(42);
  });

  it('an array passed twice in one call arrives as one array, as structured clone gives it', async () => {
    const shared = [1, 2];
    const same = (a: number[], b: number[]) => a === b && a.length === 2;
    expect(await pool().run(same, shared, shared)).toBe(true);
    expect(await pool().run(same, shared, [1, 2])).toBe(false);
  });

  it('run() takes the call-descriptor form', async () => {
    expect(await pool().run({ task: t.add, args: [2, 3] })).toBe(5);
  });

  it('apply(task, args) resolves to the result', async () => {
    expect(await pool().apply(t.add, [20, 22])).toBe(42);
  });

  it('applyAsync calls callback with the result and errorCallback with the error', async () => {
    const p = pool();
    const ok = await new Promise((resolve) => p.applyAsync(t.add, [1, 2], { callback: resolve }));
    expect(ok).toBe(3);
    const error = await new Promise((resolve) =>
      p.applyAsync(t.fail, ['nope'], { errorCallback: resolve }),
    );
    expect(error).toBeInstanceOf(RangeError);
  });

  it('mapAsync and starmapAsync hand the result list to callback', async () => {
    const p = pool();
    const squares = await new Promise((resolve) =>
      p.mapAsync(t.square, [1, 2, 3], { callback: resolve }),
    );
    expect(squares).toEqual([1, 4, 9]);
    const sums = await new Promise((resolve) =>
      p.starmapAsync(
        t.add,
        [
          [1, 1],
          [2, 2],
        ],
        { callback: resolve },
      ),
    );
    expect(sums).toEqual([2, 4]);
  });

  it('starmap spreads each item as arguments', async () => {
    expect(
      await pool().starmap(t.add, [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([3, 7]);
  });

  it('imap yields in input order', async () => {
    const out: number[] = [];
    for await (const v of pool().imap(t.square, [3, 1, 2])) out.push(v);
    expect(out).toEqual([9, 1, 4]);
  });

  it('imapUnordered yields every result', async () => {
    const out: number[] = [];
    for await (const v of pool().imapUnordered(t.square, [1, 2, 3, 4])) out.push(v);
    expect(out.sort((a, b) => a - b)).toEqual([1, 4, 9, 16]);
  });

  it("map sends chunks of Python's default size: 100 items on 4 workers are 15 chunks of 7", async () => {
    // one child per chunk, so the pids show where each chunk began and ended
    const p = pool({ maxWorkers: 4, maxTasksPerChild: 1 });
    const pids = await p.map(
      t.pidOf,
      Array.from({ length: 100 }, (_, i) => i),
    );
    const runs: number[] = [];
    for (let i = 0; i < pids.length; i++) {
      if (i === 0 || pids[i] !== pids[i - 1]) runs.push(1);
      else runs[runs.length - 1] = (runs.at(-1) as number) + 1;
    }
    expect(runs, `pids per item: ${pids.join(',')}`).toEqual([...Array(14).fill(7), 2]);
  });

  it('an error thrown by the task keeps its class, message and own properties', async () => {
    const error = await pool()
      .run(t.fail, 'bad input')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError).message).toBe('bad input');
    expect((error as RangeError & { detail: string }).detail).toBe('kept');
  });

  it('initializer runs in each child before its first task', async () => {
    const p = pool({ maxWorkers: 1, initializer: t.setup, initArgs: ['ready'] });
    expect(await p.run(t.readSetup)).toBe('ready');
  });

  it('maxTasksPerChild: a child exits after exactly n tasks', async () => {
    const p = pool({ maxWorkers: 1, maxTasksPerChild: 3 });
    const pids: number[] = [];
    for (let i = 0; i < 9; i++) pids.push(await p.run(t.pid));
    expect(pids.slice(0, 3).every((x) => x === pids[0])).toBe(true);
    expect(pids.slice(3, 6).every((x) => x === pids[3])).toBe(true);
    expect(pids.slice(6).every((x) => x === pids[6])).toBe(true);
    expect(new Set(pids).size).toBe(3);
  });

  it('maxTasksPerChild: 1 starts at most maxWorkers children at a time, not one per call of a burst', async () => {
    const p = pool({ maxWorkers: 2, maxTasksPerChild: 1 });
    const calls = Array.from({ length: 8 }, () => p.run(t.pid));
    await new Promise((resolve) => setImmediate(resolve));
    // two children started, each with its one call; the next start once these are up
    expect(engineOf(p).slots).toHaveLength(2);
    const pids = await Promise.all(calls);
    expect(new Set(pids).size).toBe(8);
  });

  it('env and cwd reach the children', async () => {
    const p = pool({ env: { ...process.env, PAR_POOL: 'yes' }, cwd: '/' });
    const report = await p.run(t.environment, 'PAR_POOL');
    expect(report.value).toBe('yes');
    expect(report.cwd).toBe('/');
  });

  it('maxOldSpaceSize reaches the children as --max-old-space-size', async () => {
    const p = pool({ maxOldSpaceSize: 96 });
    const report = await p.run(t.environment, 'X');
    expect(report.execArgv).toContain('--max-old-space-size=96');
  });

  it("stdio: 'pipe' merges the children's output into pool.stdout", async () => {
    const p = pool({ stdio: 'pipe' });
    const out = text(p.stdout as NonNullable<typeof p.stdout>);
    p.stderr?.resume();
    await p.run(t.print, 'from a child\n');
    await p.close();
    // the merged stream ends once the pool closed and the children's output was read
    expect(await out).toBe('from a child\n');
  });

  it('a pipe Connection passed to a pool task works in the child', async () => {
    const [here, there] = Pipe<string>();
    const p = pool();
    const result = p.run(t.pipeEcho, there);
    here.send('hi');
    expect(await here.recv()).toBe('hi!');
    expect(await result).toBe('done');
  });

  it('a pipe end a task receives is an instance of the Connection its module imports', async () => {
    const [, there] = Pipe<string>();
    expect(await pool().run(t.isConnection, there)).toBe(true);
  });

  it('a pipe end a task received cannot be passed on to a pool of its own, with an error that says what to pass', async () => {
    const [, there] = Pipe<string>();
    await expect(pool().run(t.forwardToOwnPool, there)).rejects.toThrow(
      'A Connection received from the parent cannot be passed on to another process',
    );
  });

  it('the same pipe end can be passed to later calls after a task closed its copy', async () => {
    const [here, there] = Pipe<string>();
    const p = pool({ maxWorkers: 1 });
    for (const word of ['one', 'two']) {
      const result = p.run(t.pipeEcho, there);
      here.send(word);
      expect(await here.recv()).toBe(`${word}!`);
      expect(await result).toBe('done');
    }
    there.close();
    // every copy of `there` is closed now: the child's (by the task) and ours
    await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it("a pool task's copy of a pipe end closes when the task ends", async () => {
    const [here, there] = Pipe<number>();
    const p = pool({ maxWorkers: 1 });
    expect(await p.run(t.sendOnce, there, 7)).toBe('sent');
    there.close();
    expect(await here.recv()).toBe(7);
    // the worker lives on, but its copy closed with the task: end-of-file
    await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it('cpuCount() is the default number of workers', () => {
    expect(new ProcessPool().maxWorkers).toBe(cpuCount());
  });

  it('tasks() takes a file: URL string and an absolute path', async () => {
    const p = pool({ maxWorkers: 1 });
    expect(await p.run(tasks<Tasks>(moduleUrl.href).square, 4)).toBe(16);
    expect(await p.run(tasks<Tasks>(fileURLToPath(moduleUrl)).square, 5)).toBe(25);
  });

  it('run() never takes an object argument with option keys for the call descriptor', async () => {
    const p = pool({ maxWorkers: 1 });
    expect(await p.run({ task: t.add, args: [1, 2] })).toBe(3);
    expect(await p.run(t.keysOf, { task: 1, args: 2, timeout: 3 })).toEqual([
      'args',
      'task',
      'timeout',
    ]);
  });

  it('apply(task, args) and applyAsync resolve to the result', async () => {
    const p = pool({ maxWorkers: 1 });
    expect(await p.apply(t.add, [2, 3])).toBe(5);
    expect(await p.applyAsync(t.add, [4, 5])).toBe(9);
  });

  it('maxTasksPerChild counts a map chunk as one task', async () => {
    const p = pool({ maxWorkers: 1, maxTasksPerChild: 2 });
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

  it('stats() has the counters and the run- and wait-time percentiles', async () => {
    const p = pool({ maxWorkers: 1 });
    await p.run(t.square, 2);
    const stats = p.stats();
    expect(Object.keys(stats).sort()).toEqual(
      [
        'aborting',
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
});

describe('ProcessPool scheduling', () => {
  it('after a long call a child reads its socket itself and starts the call queued behind it without turning its event loop', async () => {
    // The pool hands a busy child more only while the child made progress within the
    // last few ms; with the pool's clock frozen that holds however busy the machine is.
    vi.useFakeTimers({ toFake: ['performance'] });
    const p = pool({ maxWorkers: 1 });
    for (let i = 0; i < 3; i++) await p.run(t.loopTurnedSinceLastCall, 0);
    const first = p.run(t.loopTurnedSinceLastCall, 0); // the idle child takes it at once
    // A task the pool has not measured waits for an idle child, and the child sends the
    // results it holds before starting it; the two calls after it, of a task measured
    // short, follow it at once (as a batch, or one held ahead). So they are in the child's
    // hands or its socket while the long call runs, however busy the machine is.
    const long = p.run(t.loopTurnedSinceLastCallOnce, 300);
    const next = p.run(t.loopTurnedSinceLastCall, 0);
    const last = p.run(t.loopTurnedSinceLastCall, 0);
    await first;
    await long;
    // the long call took longer than the child's look interval, so the child checked for an
    // ABORT before starting the next call, by reading its socket rather than its event loop
    await expect(next).resolves.toBe(false);
    await last;
  });
});

describe('ProcessPool failures', () => {
  it('process.exit() in a task rejects with WorkerCrashedError and the pool carries on', async () => {
    const p = pool();
    const error = await p.run(t.exitWith, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).code).toBe('PAR_WORKER_CRASHED');
    expect((error as WorkerCrashedError).exitCode).toBe(3);
    expect(await p.run(t.square, 3)).toBe(9);
  });

  it('a large result is in the pipe before the child starts its next call: a crash in that call does not lose it', async () => {
    const p = pool({ maxWorkers: 1, minWorkers: 1 });
    // a task of a few ms: once measured, the child holds the next call while it runs one
    const work = (mode: string): unknown => {
      const end = performance.now() + 3;
      while (performance.now() < end);
      if (mode === 'big') return new Uint8Array(4 * 1024 * 1024).fill(7);
      if (mode === 'exit') process.exit(3);
      return mode;
    };
    for (let i = 0; i < 3; i++) await p.run(work, 'warm');
    const big = p.run(work, 'big');
    const exit = p.run(work, 'exit').catch((e: unknown) => e);
    const after = p.run(work, 'after');
    // 4 MB are more than the pipe holds: the rest had waited in the child's stream
    // and died with it, and the finished call was reported crashed
    const bytes = (await big) as Uint8Array;
    expect(bytes.length).toBe(4 * 1024 * 1024);
    expect(bytes.every((b) => b === 7)).toBe(true);
    expect(await exit).toBeInstanceOf(WorkerCrashedError);
    expect(await after).toBe('after');
  });

  it("a large result reaches its caller before the next call ends, and that call's timeout fires", async () => {
    const p = pool({ maxWorkers: 1, minWorkers: 1 });
    const work = (mode: string): unknown => {
      const end = performance.now() + 3;
      while (performance.now() < end);
      if (mode === 'big') return new Uint8Array(4 * 1024 * 1024).fill(7);
      // blocks the child for 5 s, far past the call's timeout: the pool replaces it
      if (mode === 'block') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
      return mode;
    };
    for (let i = 0; i < 3; i++) await p.run(work, 'warm');
    const big = p.run(work, 'big');
    const blocked = p.run({ task: work, args: ['block'], timeout: 200 }).catch((e: unknown) => e);
    const extra = p.run(work, 'extra');
    // the pool learns that a call started from the results before it: until the whole
    // large result arrived, the blocked call was not running for it, and its timeout
    // waited with it
    expect(((await big) as Uint8Array).length).toBe(4 * 1024 * 1024);
    expect(await blocked).toBeInstanceOf(TimeoutError);
    expect(await extra).toBe('extra');
  });

  it('a child killed by a signal rejects with WorkerCrashedError naming the signal', async () => {
    const p = pool();
    const error = await p.run(t.killSelf).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as WorkerCrashedError).signal).toBe('SIGKILL');
    expect(await p.run(t.square, 4)).toBe(16);
  });

  it('an error thrown from a timer in the task rejects the call', async () => {
    const p = pool();
    const error = await p.run(t.throwFromTimer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message) + String((error as Error).cause)).toMatch(
      /thrown from a timer/,
    );
    expect(await p.run(t.square, 5)).toBe(25);
  });

  it('running out of memory under maxOldSpaceSize rejects with WorkerCrashedError', async () => {
    const p = pool({ maxWorkers: 1, maxOldSpaceSize: 32, stdio: 'pipe' });
    p.stdout?.resume();
    p.stderr?.resume();
    const error = await p.run(t.exhaustMemory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    // V8 aborts a process whose heap is exhausted
    expect((error as WorkerCrashedError).signal).toBe('SIGABRT');
    expect(await p.run(t.square, 6)).toBe(36);
  });

  it('timeout rejects with TimeoutError; a child that ignores it is replaced', async () => {
    const p = pool({ maxWorkers: 1, gracePeriod: 50 });
    const first = await p.run(t.pid);
    const error = await p.run({ task: t.spin, timeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(await p.run(t.square, 8)).toBe(64);
    expect(await p.run(t.pid)).not.toBe(first);
  });

  it('timeout aborts the task signal; a task that stops keeps its child', async () => {
    const p = pool({ maxWorkers: 1 });
    const first = await p.run(t.pid);
    const error = await p.run({ task: t.waitForAbort, timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(await p.run(t.pid)).toBe(first);
  });

  it("a new child's first call, when it waits, still learns of its timeout: the child stops it and stays", async () => {
    // the child answers its first call before it opens its message socket; a call that
    // lets the event loop turn opens it then, so the ABORT of its timeout reaches it
    const dir = mkdtempSync(join(tmpdir(), 'par-first-call-'));
    try {
      const p = pool({ maxWorkers: 1, initializer: t.recordStart, initArgs: [dir] });
      await expect(p.run({ task: t.waitForAbort, timeout: 100 })).rejects.toBeInstanceOf(
        TimeoutError,
      );
      // not killed and replaced after the grace period: its task ended on the abort, and
      // the one child that ever started runs the next call
      const pid = await p.run(t.pid);
      expect(startedPids(dir)).toEqual([pid]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('abort while running rejects with the reason and aborts taskSignal() in the child', async () => {
    const p = pool({ maxWorkers: 1 });
    const [here, there] = Pipe<string>();
    const controller = new AbortController();
    const call = p.run({ task: t.gate, args: [there, 1], signal: controller.signal });
    await untilStarted(here, call);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it('abort before start removes the call: it never runs', async () => {
    const p = pool({ maxWorkers: 1 });
    const [here, there] = Pipe<string>();
    const blocking = p.run(t.gate, there, 'first');
    await untilStarted(here, blocking);
    const controller = new AbortController();
    const [, spare] = Pipe<string>();
    const queued = p.run({ task: t.gate, args: [spare, 'never'], signal: controller.signal });
    controller.abort(new Error('not needed'));
    await expect(queued).rejects.toThrow('not needed');
    here.send('go');
    expect(await blocking).toBe('first');
    expect(p.stats().completed).toBe(1);
  });

  it('children that cannot start break the pool with BrokenPoolError naming the cause', async () => {
    const p = pool({ maxWorkers: 1, cwd: '/nonexistent/par-dir' });
    const error = await p.run(t.square, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokenPoolError);
    expect(String((error as Error).message)).toContain('/nonexistent/par-dir');
    await expect(p.run(t.square, 2)).rejects.toBeInstanceOf(BrokenPoolError);
  });

  it('children killed by a signal while they start are replaced (with a backoff): the pool never breaks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'par-start-kill-'));
    try {
      const p = pool({ maxWorkers: 1, initializer: t.holdStart, initArgs: [dir] });
      const calls = Promise.all(Array.from({ length: 100 }, (_, i) => p.run(t.square, i)));
      // a broken pool rejects them all: stop waiting for children then, and report it
      let broken: unknown;
      calls.catch((error: unknown) => {
        broken = error;
      });
      const killed = new Set<number>();
      for (let kill = 0; kill < 3; kill++) {
        // the child is held in its initializer: it cannot be ready yet
        let pid: number | undefined;
        await until(() => {
          pid = startedPids(dir).find((n) => !killed.has(n));
          return pid !== undefined || broken !== undefined;
        });
        expect(broken).toBeUndefined();
        killed.add(pid as number);
        process.kill(pid as number, 'SIGKILL');
      }
      // a fourth child is starting
      await until(() => startedPids(dir).length === 4 || broken !== undefined);
      expect(broken).toBeUndefined();
      writeFileSync(join(dir, 'release'), '');
      expect(await calls).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
      expect(p.stats()).toMatchObject({ completed: 100, failed: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a closed pool rejects new calls with PoolClosedError, never throwing', async () => {
    const p = pool();
    await p.close();
    const call = p.run(t.square, 1);
    await expect(call).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('shared memory passed to a task (a SharedArrayBuffer, or a typed array over one as sharedArray makes) rejects with a TypeError naming the argument', async () => {
    const p = pool({ maxWorkers: 1 });
    const totals = new Float64Array(new SharedArrayBuffer(32)); // what sharedArray(Float64Array, 4) is
    const raw = new SharedArrayBuffer(8);
    const cases: [unknown[], RegExp][] = [
      [[totals], /argument 0 is shared memory/],
      [[1, raw], /argument 1 is shared memory/],
      [[{ data: [0, new Int32Array(raw)] }], /argument 0 at \.data\[1\] is shared memory/],
      [[new Map([['k', new DataView(raw)]])], /argument 0 at \.get\("k"\) is shared memory/],
    ];
    for (const [args, where] of cases) {
      const error = await p.run(t.keysOf as never, ...(args as never[])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(String((error as Error).message)).toMatch(where);
      expect(String((error as Error).message)).toContain('cannot cross a process boundary');
    }
    // nothing was written by a child to a copy: the pool still serves plain calls
    await expect(p.run(t.square, 3)).resolves.toBe(9);
    expect(p.stats()).toMatchObject({ completed: 1, failed: 4 });
  });

  it('shared memory among map items rejects the map with a TypeError', async () => {
    const p = pool({ maxWorkers: 1 });
    const items = [new Float64Array(2), new Float64Array(new SharedArrayBuffer(16))];
    const error = await p.map(t.keysOf as never, items as never[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).message)).toMatch(/a map item is shared memory/);
  });

  it('an argument that cannot be copied rejects the call and names the argument', async () => {
    const error = await pool()
      .run(t.add as never, 1, (() => 2) as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/argument/i);
  });

  it('an unknown task rejects and lists the module exports', async () => {
    const bad = tasks(new URL('./fixtures/pool-tasks.mjs', import.meta.url)) as Record<
      string,
      never
    >;
    const error = await pool()
      .run(bad.nope as never)
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/nope/);
    expect(String((error as Error).message)).toMatch(/square/);
  });

  it('rejects (never throws) with a code: non-cloneable argument, unknown task, closed pool', async () => {
    const p = pool({ maxWorkers: 1 });
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

  it('names the captured variable of a closure and shows the module form', async () => {
    const factor = 3;
    const error = await pool({ maxWorkers: 1 })
      .run((n: number) => n * factor, 2)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TaskClosureError);
    expect(error.code).toBe('PAR_TASK_CLOSURE');
    expect(error.message).toContain('`factor`');
    expect(error.message).toContain("tasks(new URL('./tasks.js', import.meta.url))");
  });

  it('a missing task module rejects with TaskModuleError naming the path', async () => {
    const missing = tasks<Tasks>(new URL('./fixtures/does-not-exist.mjs', import.meta.url));
    const error = await pool({ maxWorkers: 1 })
      .run(missing.square, 1)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TaskModuleError);
    expect(error.code).toBe('PAR_TASK_MODULE');
    expect(error.message).toContain('does-not-exist.mjs');
  });
});

describe('ProcessPool shutdown', () => {
  it('close() lets queued calls finish, then no child remains', async () => {
    const p = pool();
    const calls = Array.from({ length: 6 }, (_, i) => p.run(t.pid).then((pid) => [i, pid]));
    const closing = p.close();
    const pids = (await Promise.all(calls)).map(([, pid]) => pid as number);
    await closing;
    expect(pids).toHaveLength(6);
    for (const pid of new Set(pids)) expect(isRunning(pid)).toBe(false);
  });

  it('terminate() rejects queued and running calls with PoolClosedError', async () => {
    const p = pool({ maxWorkers: 1 });
    const [here, there] = Pipe<string>();
    const running = p.run(t.gate, there, 1);
    await untilStarted(here, running);
    const queued = p.run(t.square, 2);
    const outcomes = Promise.allSettled([running, queued]);
    await p.terminate();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PoolClosedError);
    }
  });

  it('join() before close() rejects; after close() it resolves when children exited', async () => {
    const p = pool();
    await expect(p.join()).rejects.toThrow(/still running/);
    const pid = await p.run(t.pid);
    void p.close();
    await p.join();
    expect(isRunning(pid)).toBe(false);
  });

  it('await using closes the pool: queued work finishes', async () => {
    let result: Promise<number> | undefined;
    let pid = 0;
    {
      await using p = new ProcessPool({ maxWorkers: 1 });
      pid = await p.run(t.pid);
      result = p.run(t.square, 9);
    }
    expect(await result).toBe(81);
    expect(isRunning(pid)).toBe(false);
  });
});
