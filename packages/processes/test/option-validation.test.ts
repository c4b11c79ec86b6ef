import { Pipe, Process, ProcessPool, tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';

const t = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);
// biome-ignore lint/suspicious/noExplicitAny: feeding wrong types on purpose
const loose = Process as any;

describe('Process options', () => {
  it('rejects a task that is neither a reference nor a function', () => {
    expect(() => new loose(42)).toThrow(TypeError);
    expect(() => new loose(null)).toThrow(/Expected a task/);
  });

  it('rejects options that are not an object', () => {
    expect(() => new loose(t.noop, 'fast')).toThrow(
      'Expected `options` to be an options object, got `"fast"` (string)',
    );
  });

  it('does not mutate the options object', () => {
    const options = Object.freeze({ args: Object.freeze([1]) as unknown as [number], name: 'x' });
    expect(() => new Process(t.exitWith, options)).not.toThrow();
  });

  it('args must be an array', () => {
    expect(() => new loose(t.noop, { args: 1 })).toThrow(
      'Expected `args` to be an array, got `1` (number)',
    );
  });

  it('name must be a string', () => {
    expect(() => new loose(t.noop, { name: 3 })).toThrow(TypeError);
  });

  it('env must be an object', () => {
    expect(() => new loose(t.noop, { env: 'A=1' })).toThrow(/`env`/);
  });

  it('cwd must be a string or a file URL', () => {
    expect(() => new loose(t.noop, { cwd: 1 })).toThrow(/`cwd`/);
    expect(() => new Process(t.noop, { cwd: new URL('http://example.com/') })).toThrow(
      /^Expected `cwd` to be a string or a file URL, got .*http:\/\/example\.com/,
    );
  });

  it('a cwd that does not exist fails at start(), naming the option and the path', () => {
    const error = (() => {
      try {
        new Process(t.noop, { cwd: '/nonexistent/par-dir', name: 'lost' }).start();
      } catch (e) {
        return e as Error & { code?: string };
      }
    })();
    expect(error?.message).toBe('Cannot start lost: its `cwd` /nonexistent/par-dir does not exist');
    expect(error?.code).toBe('ENOENT');
  });

  it("an unknown option (a misspelling, Python's target) is a TypeError naming it", () => {
    expect(() => new loose(t.noop, { target: 1 })).toThrow(
      /^Unknown option `target` in `options` \(expected args, name, env, cwd, execArgv, stdio, daemon\)/,
    );
  });

  it('execArgv must be an array of strings', () => {
    expect(() => new loose(t.noop, { execArgv: '--inspect' })).toThrow(/`execArgv`/);
    expect(() => new loose(t.noop, { execArgv: [1] })).toThrow(TypeError);
  });

  it("stdio must be 'inherit', 'pipe' or 'ignore'", () => {
    expect(() => new loose(t.noop, { stdio: 'tty' })).toThrow(RangeError);
    expect(() => new loose(t.noop, { stdio: 1 })).toThrow(TypeError);
  });

  it('daemon must be a boolean', () => {
    expect(() => new loose(t.noop, { daemon: 1 })).toThrow(/`daemon`/);
  });
});

describe('Process#join options', () => {
  it('rejects a negative timeout with RangeError', async () => {
    const p = new Process(t.noop).start();
    await expect(p.join({ timeout: -1 })).rejects.toBeInstanceOf(RangeError);
    await p.join();
  });

  it('rejects a signal that is not an AbortSignal with TypeError', async () => {
    const p = new Process(t.noop).start();
    await expect(p.join({ signal: {} as AbortSignal })).rejects.toBeInstanceOf(TypeError);
    await p.join();
  });
});

describe('Connection options', () => {
  it('recv() rejects a bad timeout', async () => {
    const [a] = Pipe();
    await expect(a.recv({ timeout: -5 })).rejects.toBeInstanceOf(RangeError);
    await expect(a.recv({ timeout: 'soon' as unknown as number })).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('poll() rejects a bad timeout', async () => {
    const [a] = Pipe();
    await expect(a.poll(Number.NaN)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('ProcessPool options', () => {
  // biome-ignore lint/suspicious/noExplicitAny: feeding wrong types on purpose
  const Loose = ProcessPool as any;

  it('maxWorkers must be a positive integer', () => {
    expect(() => new Loose({ maxWorkers: 0 })).toThrow(
      'Expected `maxWorkers` to be a positive integer, got `0` (number)',
    );
    expect(() => new Loose({ maxWorkers: '2' })).toThrow(TypeError);
  });

  it('maxTasksPerChild must be a positive integer or Infinity', () => {
    expect(() => new Loose({ maxTasksPerChild: 0 })).toThrow(RangeError);
    expect(() => new Loose({ maxTasksPerChild: 1.5 })).toThrow(/`maxTasksPerChild`/);
    expect(() => new Loose({ maxTasksPerChild: 'many' })).toThrow(TypeError);
    expect(() => new ProcessPool({ maxTasksPerChild: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it('maxTasksPerChild and a different maxTasksPerWorker conflict', () => {
    expect(() => new ProcessPool({ maxTasksPerChild: 2, maxTasksPerWorker: 3 })).toThrow(
      RangeError,
    );
  });

  it('maxOldSpaceSize must be a positive integer (MB)', () => {
    expect(() => new Loose({ maxOldSpaceSize: 0 })).toThrow(
      'Expected `maxOldSpaceSize` to be a positive integer, got `0` (number)',
    );
    expect(() => new Loose({ maxOldSpaceSize: '64' })).toThrow(TypeError);
  });

  it('cwd must be a string or a file URL', () => {
    expect(() => new Loose({ cwd: 42 })).toThrow(/`cwd`/);
    // a URL of another scheme would fail in the first spawn, outside any call
    expect(() => new Loose({ cwd: new URL('http://example.com/') })).toThrow(
      /Expected `cwd` to be a string or a file URL/,
    );
  });

  it("stdio must be 'inherit', 'pipe' or 'ignore'", () => {
    expect(() => new Loose({ stdio: 'overlapped' })).toThrow(RangeError);
  });

  it('gracePeriod must be a number >= 0', () => {
    expect(() => new Loose({ gracePeriod: -1 })).toThrow(/`gracePeriod`/);
  });

  it('rejects an unknown option by name', () => {
    expect(() => new Loose({ processes: 4 })).toThrow('Unknown option `processes`');
  });

  it('rejects options that are not an object or a worker count', () => {
    expect(() => new Loose('4')).toThrow(TypeError);
    expect(() => new Loose(0)).toThrow(RangeError);
  });

  it("a number is the worker count, as in Python's Pool(4)", async () => {
    const pool = new ProcessPool(3);
    expect(pool.maxWorkers).toBe(3);
    await pool.close();
  });

  it('does not mutate the options object', () => {
    const options = Object.freeze({ maxWorkers: 1, maxTasksPerChild: 2, stdio: 'ignore' as const });
    const pool = new ProcessPool(options);
    expect(options).toEqual({ maxWorkers: 1, maxTasksPerChild: 2, stdio: 'ignore' });
    return pool.close();
  });

  it('applyAsync rejects a callback that is not a function', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    await expect(
      pool.applyAsync(t.exitWith, [0], { callback: 'log' as unknown as () => void }),
    ).rejects.toBeInstanceOf(TypeError);
    await pool.close();
  });
});
