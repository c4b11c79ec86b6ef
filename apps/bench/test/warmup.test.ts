import { describe, expect, it } from 'vitest';
import { MAX_WARMUP_ROUNDS, WARMUP_CALLS, warmupRounds } from '../src/warmup.js';

describe('the warm-up of the pool scenarios', () => {
  it('runs enough rounds for the warm-up calls', () => {
    expect(warmupRounds(1_000)).toBe(10);
    expect(warmupRounds(4_000) * 4_000).toBeGreaterThanOrEqual(WARMUP_CALLS);
  });

  it('runs at least two rounds, however many calls a round makes', () => {
    expect(warmupRounds(10_000)).toBe(2);
    expect(warmupRounds(100_000)).toBe(2);
  });

  it('runs at most the cap of rounds when rounds are small', () => {
    expect(warmupRounds(200)).toBe(MAX_WARMUP_ROUNDS);
  });
});
