import { describe, expect, it } from 'vitest';
import { cpuCount, ThreadPool, ThreadPoolExecutor } from '../dist/index.js';
import { t } from './pool-helpers.js';

describe('ThreadPool options', () => {
  it.each([
    [
      { maxWorkers: 0 },
      RangeError,
      'Expected `maxWorkers` to be a positive integer, got `0` (number)',
    ],
    [{ maxWorkers: 1.5 }, RangeError, '`maxWorkers`'],
    [
      { maxWorkers: '2' },
      TypeError,
      'Expected `maxWorkers` to be a positive integer, got `"2"` (string)',
    ],
    [{ minWorkers: -1 }, RangeError, '`minWorkers`'],
    [
      { maxWorkers: 2, minWorkers: 3 },
      RangeError,
      'Expected `minWorkers` to be an integer from 0 to maxWorkers (2), got `3`',
    ],
    [{ idleTimeout: -5 }, RangeError, '`idleTimeout`'],
    [{ idleTimeout: 'soon' }, TypeError, '`idleTimeout`'],
    [{ maxQueue: -1 }, RangeError, '`maxQueue`'],
    [{ maxTasksPerWorker: 0 }, RangeError, '`maxTasksPerWorker`'],
    [{ concurrentTasksPerWorker: 0 }, RangeError, '`concurrentTasksPerWorker`'],
    [{ timeout: -1 }, RangeError, '`timeout`'],
    [{ gracePeriod: Number.NaN }, TypeError, '`gracePeriod`'],
    [{ initializer: 42 }, TypeError, '`initializer`'],
    [{ initArgs: 'x' }, TypeError, '`initArgs`'],
    [{ execArgv: '--import tsx' }, TypeError, '`execArgv`'],
    [{ env: 'PATH=x' }, TypeError, '`env`'],
    [
      { resourceLimits: { maxOldGenerationSizeMb: -1 } },
      RangeError,
      '`resourceLimits.maxOldGenerationSizeMb`',
    ],
    [{ resourceLimits: { heap: 1 } }, TypeError, '`resourceLimits.heap`'],
    [{ maxThreads: 2 }, TypeError, 'Unknown option `maxThreads`'],
  ])('rejects %j', (options, type, message) => {
    expect(() => new ThreadPool(options as never)).toThrow(type);
    expect(() => new ThreadPool(options as never)).toThrow(message);
  });

  it('rejects a non-object options argument (other than a worker count)', () => {
    expect(() => new ThreadPool('3' as never)).toThrow(TypeError);
  });

  it('accepts Infinity where it means "no limit"', () => {
    const pool = new ThreadPool({
      idleTimeout: Infinity,
      maxQueue: Infinity,
      maxTasksPerWorker: Infinity,
      timeout: Infinity,
    });
    expect(pool.stats().workers).toBe(0);
  });

  it('does not mutate the caller options object', async () => {
    const options = Object.freeze({ maxWorkers: 1, initArgs: Object.freeze([1]) });
    const pool = new ThreadPool(options);
    await pool.close();
    expect(options).toEqual({ maxWorkers: 1, initArgs: [1] });
  });

  it('defaults maxWorkers to the number of CPUs', () => {
    const pool = new ThreadPool();
    expect(pool.maxWorkers).toBeGreaterThanOrEqual(1);
  });

  it('validates the executor options the same way', () => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: -2 })).toThrow(RangeError);
  });
});

describe('a worker count as options', () => {
  it('new ThreadPool(n) is new ThreadPool({ maxWorkers: n })', async () => {
    const pool = new ThreadPool(2);
    try {
      expect(pool.maxWorkers).toBe(2);
      expect(await pool.run(t.square, 3)).toBe(9);
    } finally {
      await pool.terminate();
    }
  });

  it('new ThreadPoolExecutor(n) is new ThreadPoolExecutor({ maxWorkers: n })', async () => {
    const executor = new ThreadPoolExecutor(1);
    try {
      expect(await executor.submit(t.square, 4)).toBe(16);
    } finally {
      await executor.shutdown();
    }
  });

  it('reports a bad count as `maxWorkers`', () => {
    expect(() => new ThreadPool(0)).toThrow(RangeError);
    expect(() => new ThreadPool(0)).toThrow(/`maxWorkers`/);
    expect(() => new ThreadPool(1.5)).toThrow(/`maxWorkers`/);
  });

  it('cpuCount() is a positive integer', () => {
    expect(Number.isInteger(cpuCount())).toBe(true);
    expect(cpuCount()).toBeGreaterThan(0);
  });
});

describe('per-call options', () => {
  it('rejects (never throws) a bad timeout, signal or transfer', async () => {
    const pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run({ task: t.square, args: [1], timeout: -1 })).rejects.toThrow('`timeout`');
    await expect(
      pool.run({ task: t.square, args: [1], signal: {} as AbortSignal }),
    ).rejects.toThrow('`signal`');
    await expect(pool.run({ task: t.square, args: [1], transfer: 5 as never })).rejects.toThrow(
      '`transfer`',
    );
    await expect(pool.run({ task: t.square, args: 1 as never })).rejects.toThrow('`args`');
    await pool.close();
  });

  it('rejects a bad chunkSize or bufferSize for map and imap', async () => {
    const pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.map(t.square, [1], { chunkSize: 0 })).rejects.toThrow(RangeError);
    await expect(pool.map(t.square, [1], { chunkSize: 'big' as never })).rejects.toThrow(TypeError);
    await expect(pool.map(t.square, 5 as never)).rejects.toThrow('`iterable`');
    await expect(pool.imap(t.square, [1], { bufferSize: 0 }).next()).rejects.toThrow(RangeError);
    await pool.close();
  });

  it('rejects calls beyond maxQueue with QueueFull', async () => {
    const pool = new ThreadPool({ maxWorkers: 1, maxQueue: 1 });
    const first = pool.run(t.delayed, 1, 20);
    const second = pool.run(t.square, 2);
    const third = pool.run(t.square, 3);
    await expect(third).rejects.toMatchObject({ code: 'PAR_QUEUE_FULL' });
    await expect(first).resolves.toBe(1);
    await expect(second).resolves.toBe(4);
    await pool.close();
  });

  it('rejects an unknown key of the call-descriptor form (a typo), naming it', async () => {
    const pool = new ThreadPool(1);
    try {
      await expect(pool.run({ task: t.square, args: [1], timout: 100 } as never)).rejects.toThrow(
        /Unknown key `timout`/,
      );
    } finally {
      await pool.terminate();
    }
  });

  it('accepts every key of the call-descriptor form', async () => {
    const pool = new ThreadPool(1);
    try {
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
    } finally {
      await pool.terminate();
    }
  });
});
