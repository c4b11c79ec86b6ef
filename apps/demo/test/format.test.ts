// The tour's tables and numbers.
import { describe, expect, it } from 'vitest';
import { count, duration, plural, speedUp } from '../src/format.mjs';
import { splitRange } from '../src/sections/cpu.mjs';
import { sparkline } from '../src/sections/pipeline.mjs';
import { renderTable } from '../src/table.mjs';

describe('renderTable', () => {
  it('pads each column to its widest cell, numbers to the right, under a rule', () => {
    const lines = renderTable(
      [{ header: 'run' }, { header: 'time', align: 'right' }],
      [
        ['sequential', '2.14 s'],
        ['pool', '98 ms'],
      ],
    );
    expect(lines).toEqual([
      'run           time',
      '──────────  ──────',
      'sequential  2.14 s',
      'pool         98 ms',
    ]);
  });
});

describe('numbers', () => {
  it('writes durations in ms below a second and in s above', () => {
    expect([duration(245.4), duration(999.4), duration(2140.3)]).toEqual([
      '245 ms',
      '999 ms',
      '2.14 s',
    ]);
  });
  it('writes speed-ups with two decimals, one from 10×', () => {
    expect([speedUp(1), speedUp(1.914), speedUp(12.34)]).toEqual(['1.00×', '1.91×', '12.3×']);
  });
  it('groups thousands and says "1 worker" but "2 workers"', () => {
    expect(count(216816)).toBe('216,816');
    expect([plural(1, 'worker'), plural(2, 'worker')]).toEqual(['1 worker', '2 workers']);
  });
});

describe('work helpers', () => {
  it('splitRange covers [0, limit) with adjacent ranges and no gap', () => {
    const ranges = splitRange(1_000, 7);
    expect(ranges).toHaveLength(7);
    expect(ranges[0]?.[0]).toBe(0);
    expect(ranges.at(-1)?.[1]).toBe(1_000);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBe(ranges[i - 1]?.[1]);
  });
  it('sparkline draws empty as ▁ and full as █, averaging samples into the width', () => {
    expect(sparkline([0, 8, 4], 8)).toBe('▁█▅');
    expect(sparkline([8, 8, 0, 0], 8, 2)).toBe('█▁');
  });
});
