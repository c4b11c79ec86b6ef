import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  NotCloneableError,
  PoolClosedError,
  TaskClosureError,
  TaskModuleError,
  ThreadPool,
  taskRef,
  tasks,
  UnknownTaskError,
} from '../dist/index.js';
import { fixtureUrl, t } from './pool-helpers.js';

let pool: ThreadPool;
afterEach(async () => {
  await pool?.terminate();
});

describe('ThreadPool#run', () => {
  it('runs a task reference and resolves to its result', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run(t.square, 7)).resolves.toBe(49);
  });

  it('runs a self-contained function', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run((a: number, b: number) => a * b + 1, 6, 7)).resolves.toBe(43);
  });

  it('runs an async self-contained function', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const fn = async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return x * 2;
    };
    await expect(pool.run(fn, 21)).resolves.toBe(42);
  });

  it('accepts the call-descriptor form', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run({ task: t.add, args: [2, 3] })).resolves.toBe(5);
  });

  it('passes an object argument through instead of taking it for options', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const arg = { signal: 'not a signal', timeout: 'x', args: [1] };
    await expect(pool.run(t.identity, arg)).resolves.toEqual(arg);
  });

  it('resolves module references given as absolute paths and file URLs', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const byPath = tasks<typeof import('./fixtures/pool-tasks.mjs')>(fixtureUrl.pathname);
    const byUrlString = tasks<typeof import('./fixtures/pool-tasks.mjs')>(fixtureUrl.href);
    await expect(pool.run(byPath.square, 3)).resolves.toBe(9);
    await expect(pool.run(byUrlString.square, 4)).resolves.toBe(16);
    await expect(pool.run(taskRef<[unknown], string>(fixtureUrl), 'x')).resolves.toBe('default:x');
  });

  it('keeps the arguments of concurrent calls apart', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.run(t.square, i)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i * i));
  });

  it('moves transferred buffers in both directions', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const bytes = new Uint8Array(1024);
    await expect(
      pool.run({ task: t.byteLength, args: [bytes], transfer: [bytes.buffer] }),
    ).resolves.toBe(1024);
    expect(bytes.byteLength).toBe(0);
    const back = await pool.run(t.makeBytes, 16);
    expect(back).toBeInstanceOf(Uint8Array);
    expect([...back]).toEqual(new Array(16).fill(7));
  });

  it('never takes an object argument to a task for options, whatever its keys', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const arg = { task: 1, args: 2, signal: 3, timeout: 4, transfer: 5 };
    expect(await pool.run(t.keysOf, arg)).toEqual([
      'args',
      'signal',
      'task',
      'timeout',
      'transfer',
    ]);
  });
});

describe('errors from tasks', () => {
  it('keeps name, message, own properties and adds the task and worker to the stack', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = await pool
      .run(t.fail, 'bad input', { code: 'E_BAD', status: 400 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'Error',
      message: 'bad input',
      code: 'E_BAD',
      status: 400,
    });
    expect((error as Error).stack).toContain('fail');
    expect((error as Error).stack).toMatch(/task `fail` \(.*pool-tasks\.mjs\) in @par worker #1/);
  });

  it('rebuilds built-in error classes and the cause', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = (await pool.run(t.failTyped).catch((e: unknown) => e)) as RangeError;
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('out of range');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('the cause');
  });

  it('keeps the name and properties of a custom error class', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = await pool.run(t.failCustom).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'CustomError',
      message: 'custom failure',
      detail: { level: 3 },
    });
  });

  it('rejects with the error of a rejected promise', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run(t.rejectLater, 'later')).rejects.toThrow('later');
  });

  it('rejects with a thrown non-error value as is', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run(t.throwString)).rejects.toBe('plain string');
  });

  it('keeps serving after a task failed', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const before = await pool.run(t.whoami);
    await expect(pool.run(t.fail, 'x')).rejects.toThrow('x');
    await expect(pool.run(t.square, 2)).resolves.toBe(4);
    // the same worker serves on: a task's error does not cost the worker
    expect(await pool.run(t.whoami)).toBe(before);
  });
});

describe('bad tasks and arguments', () => {
  it('lists the module exports when the export is unknown', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = (await pool
      .run((t as unknown as Record<string, typeof t.square>).sqaure as typeof t.square, 2)
      .catch((e: unknown) => e)) as UnknownTaskError;
    expect(error).toBeInstanceOf(UnknownTaskError);
    expect(error.code).toBe('PAR_UNKNOWN_TASK');
    expect(error.message).toContain('`sqaure`');
    expect(error.message).toContain('`square`');
    expect(error.exports).toContain('square');
    expect(error.exports).not.toContain('notAFunction');
  });

  it('says an export that is not a function is not a task', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const ref = taskRef<[], unknown>(fixtureUrl, 'notAFunction');
    await expect(pool.run(ref)).rejects.toThrow(
      /no exported function `notAFunction` \(it is number\)/,
    );
  });

  it('names the path of a missing module', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const missing = tasks<{ x: () => void }>(
      new URL('./fixtures/does-not-exist.mjs', import.meta.url),
    );
    const error = (await pool.run(missing.x).catch((e: unknown) => e)) as TaskModuleError;
    expect(error).toBeInstanceOf(TaskModuleError);
    expect(error.code).toBe('PAR_TASK_MODULE');
    expect(error.message).toContain('fixtures/does-not-exist.mjs');
  });

  it('rejects a bound function with a TypeError that names the function, not `bound `', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    function scale(factor: number, x: number): number {
      return factor * x;
    }
    const error = (await pool.run(scale.bind(null, 2), 3).catch((e: unknown) => e)) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('`scale` cannot be sent to a worker: it is a bound function');
    expect(error.message).not.toContain('`bound ');
  });

  it('names the outer variable of a closure and shows the module form', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const factor = 3;
    const scale = (n: number) => n * factor;
    const error = (await pool.run(scale, 2).catch((e: unknown) => e)) as TaskClosureError;
    expect(error).toBeInstanceOf(TaskClosureError);
    expect(error.code).toBe('PAR_TASK_CLOSURE');
    expect(error.variable).toBe('factor');
    expect(error.message).toContain('`factor`');
    expect(error.message).toContain("tasks(new URL('./tasks.js', import.meta.url)).scale");
  });

  it('rejects a non-cloneable argument naming the task and the argument', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = (await pool
      .run(t.identity, (() => 1) as unknown as number)
      .catch((e: unknown) => e)) as NotCloneableError;
    expect(error).toBeInstanceOf(NotCloneableError);
    expect(error.code).toBe('PAR_NOT_CLONEABLE');
    expect(error.message).toContain('`identity`');
    expect(error.message).toContain('argument 0');
  });

  it('rejects only the call with the non-cloneable argument in a batch', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const calls = [
      pool.run(t.square, 1),
      pool.run(t.identity, Symbol('x') as unknown as number),
      pool.run(t.square, 3),
    ];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('rejects a non-cloneable result naming the task', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = await pool.run(t.returnsFunction).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toMatch(
      /result of task `returnsFunction` could not be sent back/,
    );
  });

  it('loads a TypeScript task module in plain Node workers (tsx installed)', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const ts = tasks<typeof import('./fixtures/ts-tasks.js')>(
      new URL('./fixtures/ts-tasks.ts', import.meta.url),
    );
    await expect(pool.run(ts.greet, 'worker')).resolves.toBe('hello worker');
  });

  it('never throws synchronously: a bad task is a rejection', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = pool.run(42 as never);
    }).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(TypeError);
    let bad: Promise<unknown> | undefined;
    expect(() => {
      bad = pool.run({ task: t.square, args: [1], timeout: -1 } as never);
    }).not.toThrow();
    await expect(bad).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects calls after close with PoolClosedError', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await pool.close();
    await expect(pool.run(t.square, 2)).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.map(t.square, [1])).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('rejects (never throws) with a code: closed pool, non-cloneable argument, unknown task', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const unknown = (t as unknown as Record<string, typeof t.square>).nope as typeof t.square;
    const nonCloneable = pool.run(t.keysOf, { f: () => 1 } as object);
    const missing = pool.run(unknown, 1);
    await expect(nonCloneable).rejects.toMatchObject({ code: 'PAR_NOT_CLONEABLE' });
    await expect(missing).rejects.toMatchObject({ code: 'PAR_UNKNOWN_TASK' });
    await pool.close();
    const closed = pool.run(t.square, 1);
    await expect(closed).rejects.toBeInstanceOf(PoolClosedError);
    await expect(closed).rejects.toMatchObject({ code: 'PAR_POOL_CLOSED' });
  });
});

describe('module URLs', () => {
  it('turns a file URL into the same reference as its path', () => {
    const a = tasks<typeof import('./fixtures/pool-tasks.mjs')>(fixtureUrl);
    const b = tasks<typeof import('./fixtures/pool-tasks.mjs')>(pathToFileURL(fixtureUrl.pathname));
    expect(a.square).toEqual(b.square);
    expect({ ...a.square }).toEqual({ module: fixtureUrl.href, name: 'square' });
  });

  it('rejects a relative path with the URL form in the message', () => {
    expect(() => tasks('./tasks.js')).toThrow("new URL('./tasks.js', import.meta.url)");
  });
});
