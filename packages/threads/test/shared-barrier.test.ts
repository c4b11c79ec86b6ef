import { BrokenBarrierError } from '@par/async';
import { describe, expect, it } from 'vitest';
import { Barrier } from '../src/index.js';
import { inWorker, orFailWith } from './shared-helpers.js';

describe('Barrier across worker threads', () => {
  it('gives every party a distinct arrival index in each round', async () => {
    const parties = 4;
    const rounds = 5;
    const barrier = new Barrier(parties);
    const results = await Promise.all(
      Array.from({ length: parties }, () =>
        inWorker<number[]>('barrierRounds', { barrier: barrier.buffer, rounds }),
      ),
    );
    for (let r = 0; r < rounds; r++) {
      const indexes = results.map((perWorker) => perWorker[r]).sort();
      expect(indexes).toEqual([0, 1, 2, 3]);
    }
    expect(barrier.nWaiting).toBe(0);
  });

  it('releases workers and the main thread together', async () => {
    const barrier = new Barrier(3);
    const workers = [0, 1].map(() => inWorker('barrierWait', { barrier: barrier.buffer }));
    const mine = await orFailWith(barrier.wait(), ...workers);
    const theirs = (await Promise.all(workers)) as { index: number }[];
    expect([mine, ...theirs.map((t) => t.index)].sort()).toEqual([0, 1, 2]);
  });

  it('breaks for every waiter when one wait times out', async () => {
    const barrier = new Barrier(3);
    const patient = inWorker('barrierWait', { barrier: barrier.buffer });
    const impatient = inWorker('barrierWait', { barrier: barrier.buffer, timeout: 20 });
    await expect(impatient).resolves.toEqual({
      error: 'BrokenBarrierError',
      code: 'PAR_BROKEN_BARRIER',
    });
    await expect(patient).resolves.toEqual({
      error: 'BrokenBarrierError',
      code: 'PAR_BROKEN_BARRIER',
    });
    expect(barrier.broken).toBe(true);
  });

  it('uses the default timeout given at construction', async () => {
    const barrier = new Barrier(2, { timeout: 10 });
    await expect(inWorker('barrierWait', { barrier: barrier.buffer })).resolves.toMatchObject({
      error: 'BrokenBarrierError',
    });
  });

  it('abort() breaks a worker that waits', async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait(); // main thread: a promise; its arrival makes nWaiting 1
    const worker = inWorker('barrierWait', { barrier: barrier.buffer });
    await expect(orFailWith(waiting, worker)).resolves.toBeTypeOf('number');
    await expect(worker).resolves.toHaveProperty('index');
    const lone = barrier.wait();
    barrier.abort();
    await expect(lone).rejects.toBeInstanceOf(BrokenBarrierError);
    await expect(inWorker('barrierWait', { barrier: barrier.buffer })).resolves.toMatchObject({
      error: 'BrokenBarrierError',
    });
  });
});

describe('Barrier on the main thread', () => {
  it('returns a promise of the arrival index', async () => {
    const barrier = new Barrier(1);
    const index = barrier.wait();
    expect(index).toBeInstanceOf(Promise);
    await expect(index).resolves.toBe(0);
  });

  it('rejects waiters with BrokenBarrierError on abort() and later waits until reset()', async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    barrier.abort();
    await expect(waiting).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
    const [a, b] = await Promise.all([barrier.wait(), barrier.wait()]);
    expect([a, b].sort()).toEqual([0, 1]);
  });

  it('reset() breaks the waiters of the current round and starts a clean one', async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait();
    expect(barrier.nWaiting).toBe(1);
    barrier.reset();
    await expect(waiting).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.nWaiting).toBe(0);
    expect(barrier.broken).toBe(false);
    await expect(Promise.all([barrier.wait(), barrier.wait()])).resolves.toHaveLength(2);
  });

  it('breaks when a wait times out', async () => {
    const barrier = new Barrier(2);
    await expect(barrier.wait({ timeout: 1 })).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
  });

  it('is rebuilt from its buffer with its parties and default timeout', async () => {
    const barrier = new Barrier(3, { timeout: 1 });
    const same = Barrier.fromShared(barrier.buffer);
    expect(same.parties).toBe(3);
    await expect(same.wait()).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(barrier.broken).toBe(true);
  });
});
