import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/index.js';
import { t } from './pool-helpers.js';

let pool: ThreadPool;
afterEach(async () => {
  await pool?.terminate();
});

describe("ThreadPool speaks multiprocessing.Pool's names", () => {
  it('apply(task, args) resolves to the result', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    expect(await pool.apply(t.add, [20, 22])).toBe(42);
    expect(await pool.apply(t.echoArgs)).toEqual([]);
  });

  it('applyAsync calls callback with the result and errorCallback with the error', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const sum = await new Promise((resolve) =>
      pool.applyAsync(t.add, [1, 2], { callback: resolve }),
    );
    expect(sum).toBe(3);
    const error = await new Promise((resolve) =>
      pool.applyAsync(t.fail, ['nope'], { errorCallback: resolve }),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('nope');
  });

  it('mapAsync and starmapAsync hand the result list to callback', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const squares = await new Promise((resolve) =>
      pool.mapAsync(t.square, [1, 2, 3], { callback: resolve }),
    );
    expect(squares).toEqual([1, 4, 9]);
    const sums = await new Promise((resolve) =>
      pool.starmapAsync(
        t.add,
        [
          [1, 1],
          [2, 3],
        ],
        { callback: resolve },
      ),
    );
    expect(sums).toEqual([2, 5]);
  });

  it('mapAsync returns the same promise map() would', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.mapAsync(t.square, [4, 5])).resolves.toEqual([16, 25]);
  });

  it('applyAsync and mapAsync reject a callback that is not a function, naming it', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(
      pool.applyAsync(t.add, [1, 2], { callback: 'log' as unknown as () => void }),
    ).rejects.toThrow(/`callback`/);
    await expect(
      pool.mapAsync(t.square, [1], { errorCallback: 1 as unknown as () => void }),
    ).rejects.toThrow(/`errorCallback`/);
  });

  it('join() before close() rejects; after close() it resolves once queued work finished', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.join()).rejects.toThrow(/still running/);
    const queued = pool.apply(t.delayed, ['late', 5]);
    void pool.close();
    await pool.join();
    expect(pool.stats().workers).toBe(0);
    await expect(queued).resolves.toBe('late');
  });

  it('join() after terminate() resolves', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await pool.apply(t.square, [2]);
    void pool.terminate();
    await expect(pool.join()).resolves.toBeUndefined();
    expect(pool.stats().workers).toBe(0);
  });
});
