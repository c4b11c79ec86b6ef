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
