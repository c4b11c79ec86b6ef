import { describe, expect, it } from 'vitest';
import { AutoBatcher, type BatchSizeDecision, delayed, Parallel } from '../dist/index.js';

describe('AutoBatcher (joblib’s algorithm)', () => {
  it('starts at 1 and keeps the size while no duration is known', () => {
    const batcher = new AutoBatcher();
    expect(batcher.computeBatchSize()).toBe(1);
    expect(batcher.computeBatchSize()).toBe(1);
  });

  it('at most doubles per step while batches are shorter than 200 ms', () => {
    const decisions: BatchSizeDecision[] = [];
    const batcher = new AutoBatcher((d) => decisions.push(d));
    batcher.batchCompleted(1, 1); // 1 ms: ideal would be 400
    expect(batcher.computeBatchSize()).toBe(2);
    expect(decisions).toEqual([{ previous: 1, batchSize: 2, duration: 1, reason: 'too fast' }]);
    // the smoothed duration was reset: no new decision until a new sample
    expect(batcher.smoothedDuration).toBe(0);
    expect(batcher.computeBatchSize()).toBe(2);
    batcher.batchCompleted(2, 150); // int(2 * 200 / 150) * 2 = 4 = 2 * old
    expect(batcher.computeBatchSize()).toBe(4);
    batcher.batchCompleted(4, 500); // between 200 ms and 2 s: unchanged
    expect(batcher.computeBatchSize()).toBe(4);
  });

  it('ignores batches of another size than the current one', () => {
    const batcher = new AutoBatcher();
    batcher.batchCompleted(1, 1);
    batcher.computeBatchSize(); // 2
    batcher.batchCompleted(1, 5000); // an old batch of 1 finishing late
    expect(batcher.smoothedDuration).toBe(0);
  });

  it('smooths durations: first sample as is, then 0.8 old + 0.2 new', () => {
    const batcher = new AutoBatcher();
    batcher.batchCompleted(1, 100);
    expect(batcher.smoothedDuration).toBe(100);
    batcher.batchCompleted(1, 200);
    expect(batcher.smoothedDuration).toBeCloseTo(120);
  });

  it('shrinks sharply when batches take more than 2 s', () => {
    const decisions: BatchSizeDecision[] = [];
    const batcher = new AutoBatcher((d) => decisions.push(d));
    for (let i = 0; i < 6; i++) {
      batcher.batchCompleted(batcher.batchSize, 0.1);
      batcher.computeBatchSize();
    }
    expect(batcher.batchSize).toBe(64);
    batcher.batchCompleted(64, 10_000); // int(64 * 200 / 10000) = 1 -> 2
    expect(batcher.computeBatchSize()).toBe(2);
    expect(decisions.at(-1)).toMatchObject({ previous: 64, batchSize: 2, reason: 'too slow' });
  });

  it('never shrinks a batch of 1', () => {
    const batcher = new AutoBatcher();
    batcher.batchCompleted(1, 60_000);
    expect(batcher.computeBatchSize()).toBe(1);
  });
});

/** A clock that advances by `step` ms each time it is read. */
function steppingClock(step: () => number) {
  let now = 0;
  return () => {
    now += step();
    return now;
  };
}

describe("Parallel with batchSize: 'auto'", () => {
  it('grows the batches of tiny calls (reported through onBatchSize)', async () => {
    const decisions: BatchSizeDecision[] = [];
    const sizes: number[] = [];
    const results = await Parallel({
      nJobs: 2,
      backend: 'async',
      clock: steppingClock(() => 0.01),
      onBatchSize: (d) => decisions.push(d),
    })(
      Array.from({ length: 2000 }, (_, i) =>
        delayed((x: number) => {
          sizes.push(x);
          return x;
        })(i),
      ),
    );
    expect(results).toHaveLength(2000);
    expect(decisions.length).toBeGreaterThan(3);
    expect(decisions.every((d) => d.reason === 'too fast')).toBe(true);
    expect(decisions.map((d) => d.batchSize)).toEqual(decisions.map((_, i) => 2 ** (i + 1)));
  });

  it('grows the batches of tiny calls in a generator whose consumer keeps up', async () => {
    const decisions: BatchSizeDecision[] = [];
    const seen: number[] = [];
    const results = Parallel({
      nJobs: 2,
      backend: 'async',
      returnAs: 'generator',
      clock: steppingClock(() => 0.01),
      onBatchSize: (d) => decisions.push(d),
    })(Array.from({ length: 2000 }, (_, i) => delayed((x: number) => x)(i)));
    for await (const r of results) seen.push(r);
    expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(decisions.length).toBeGreaterThan(3);
    expect(decisions.map((d) => d.batchSize)).toEqual(decisions.map((_, i) => 2 ** (i + 1)));
  });

  it('shrinks the batches of slow calls', async () => {
    const decisions: BatchSizeDecision[] = [];
    let slow = false;
    const clock = steppingClock(() => (slow ? 1000 : 0.01));
    const fn = (x: number) => {
      // calls become slow once batches have grown
      if (x > 500) slow = true;
      return x;
    };
    await Parallel({
      nJobs: 2,
      backend: 'async',
      clock,
      onBatchSize: (d) => decisions.push(d),
    })(Array.from({ length: 3000 }, (_, i) => delayed(fn)(i)));
    const shrink = decisions.find((d) => d.reason === 'too slow');
    expect(shrink).toBeDefined();
    expect(shrink?.batchSize).toBeLessThan(shrink?.previous ?? 0);
  });

  it('sends each call in its own batch with a fixed batchSize of 1', async () => {
    const decisions: BatchSizeDecision[] = [];
    await Parallel({
      nJobs: 2,
      backend: 'async',
      batchSize: 1,
      clock: steppingClock(() => 0.01),
      onBatchSize: (d) => decisions.push(d),
    })(Array.from({ length: 100 }, (_, i) => delayed((x: number) => x)(i)));
    expect(decisions).toEqual([]);
  });
});
