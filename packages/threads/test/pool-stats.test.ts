import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/index.js';
import { latch, reached, release, t } from './pool-helpers.js';

let pool: ThreadPool;
afterEach(async () => {
  await pool?.terminate();
});

describe('stats()', () => {
  it('starts at zero', () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    expect(pool.stats()).toEqual({
      workers: 0,
      idle: 0,
      running: 0,
      aborting: 0,
      queued: 0,
      completed: 0,
      failed: 0,
      utilization: 0,
      runTime: { p50: 0, p90: 0, p99: 0 },
      waitTime: { p50: 0, p90: 0, p99: 0 },
    });
  });

  it('counts running, queued, completed and failed calls', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const blocked = pool.run(t.block, l);
    const queued = pool.run(t.square, 2);
    await reached(l, 0);
    const during = pool.stats();
    expect(during.workers).toBe(1);
    expect(during.idle).toBe(0);
    expect(during.running).toBe(1);
    expect(during.queued).toBe(1);
    release(l);
    await Promise.all([blocked, queued]);
    await pool.run(t.fail, 'x').catch(() => {});
    const after = pool.stats();
    expect(after).toMatchObject({ running: 0, queued: 0, completed: 2, failed: 1, idle: 1 });
  });

  it('counts each chunk of a map as one call', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const items = Array.from({ length: 100 }, (_, i) => i);
    await pool.map(t.square, items);
    // Python's chunk size: ceil(100 / (2 workers × 4)) = 13 items, so 8 chunks
    expect(pool.stats().completed).toBe(8);
    await pool.map(t.square, items, { chunkSize: 1 });
    expect(pool.stats().completed).toBe(108);
  });

  it('an aborted call whose task keeps running counts as aborting, not running, until the task returns', async () => {
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 600_000 });
    const l = latch();
    const controller = new AbortController();
    const call = pool.run({ task: t.spinUntilReleased, args: [l], signal: controller.signal });
    await reached(l, 0);
    expect(pool.stats()).toMatchObject({ running: 1, aborting: 0 });
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    // the task spins on, deaf to its signal: its worker is still busy with it
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1, failed: 1, idle: 0 });
    release(l);
    // the worker answers in order: once the next call is done, the aborted one has ended
    expect(await pool.run(t.square, 3)).toBe(9);
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0, completed: 1, failed: 1 });
  });

  it('an aborted call stops counting as aborting when its worker is replaced after the grace period', async () => {
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 20 });
    const l = latch();
    const controller = new AbortController();
    const call = pool.run({ task: t.spinUntilReleased, args: [l], signal: controller.signal });
    await reached(l, 0);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1 });
    // never released: the grace period ends it, and the next call runs on a new worker
    expect(await pool.run(t.square, 4)).toBe(16);
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0 });
  });

  it('reports run-time and wait-time percentiles and utilization', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await Promise.all(Array.from({ length: 10 }, () => pool.run(t.delayed, 1, 2)));
    const { runTime, waitTime, utilization } = pool.stats();
    expect(runTime.p50).toBeGreaterThan(0);
    expect(runTime.p99).toBeGreaterThanOrEqual(runTime.p90);
    expect(runTime.p90).toBeGreaterThanOrEqual(runTime.p50);
    expect(waitTime.p99).toBeGreaterThanOrEqual(waitTime.p50);
    expect(utilization).toBeGreaterThan(0);
    expect(utilization).toBeLessThanOrEqual(1);
  });
});
