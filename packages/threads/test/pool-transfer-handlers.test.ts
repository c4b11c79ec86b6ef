import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool, tasks } from '../dist/index.js';
import { Point, settled } from './fixtures/pool-point.mjs';

type P = Point;
const t = tasks<{
  norm: (p: P) => number | string;
  scaleNorm: (p: P, factor: number) => number | string;
  makePoint: (x: number, y: number) => P;
  endedCount: () => number;
}>(new URL('./fixtures/pool-point-tasks.mjs', import.meta.url));

let pool: ThreadPool;
afterEach(async () => {
  await pool?.terminate();
});

describe('transfer handlers', () => {
  it('an argument arrives as a working object', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run(t.norm, new Point(3, 4))).resolves.toBe(5);
  });

  it('a result arrives as a working object', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const p = await pool.run(t.makePoint, 6, 8);
    expect(p).toBeInstanceOf(Point);
    expect(p.norm()).toBe(10);
  });

  it('map items and starmap rows go through the handlers too', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const points = Array.from({ length: 20 }, (_, i) => new Point(3 * i, 4 * i));
    await expect(pool.map(t.norm, points)).resolves.toEqual(points.map((_, i) => 5 * i));
    await expect(
      pool.starmap(
        t.scaleNorm,
        points.map((p) => [p, 2] as [P, number]),
      ),
    ).resolves.toEqual(points.map((_, i) => 10 * i));
  });

  it('a handler that throws rejects only that call', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const calls = [
      pool.run(t.norm, new Point(3, 4)),
      pool.run(t.norm, new Point(-1, 0)),
      pool.run(t.norm, new Point(0, 2)),
    ];
    const settledCalls = await Promise.allSettled(calls);
    expect(settledCalls.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settledCalls[1] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
  });

  it('onCallSettled runs once the call is over', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const before = settled.count;
    await pool.run(t.norm, new Point(1, 1));
    expect(settled.count).toBe(before + 1);
  });

  it('onTaskEnd runs in the worker after the task ended', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await pool.run(t.norm, new Point(1, 1));
    await pool.run(t.norm, new Point(2, 2));
    await expect(pool.run(t.endedCount)).resolves.toBe(2);
  });
});
