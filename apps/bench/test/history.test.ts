import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/harness.js';
import { appendHistory, type RunRecord, readHistory, summarize } from '../src/history.js';
import { toSummaryMarkdown } from '../src/summary.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'par-bench-history-'));
  dirs.push(dir);
  return dir;
};

function run(date: string, ours: number, peer: number, load = 1): RunRecord {
  const result: ScenarioResult = {
    id: 's',
    title: 'scenario',
    unit: 'ops/s',
    better: 'higher',
    results: [
      { name: 'ours', median: ours, samples: [ours], spread: { min: ours, max: ours }, ours: true },
      {
        name: 'peer',
        median: peer,
        samples: [peer],
        spread: { min: peer, max: peer },
        ours: false,
      },
    ],
    bar: { description: '>= 2x peer', met: ours >= 2 * peer },
  };
  return {
    meta: {
      date,
      machine: { cpu: 'cpu', cores: 2, memoryGiB: 8 },
      node: 'v20',
      loadAverageAtStart: [load, load, load],
      python: null,
      command: 'pnpm bench',
    },
    results: [result],
  };
}

describe('history', () => {
  it('appends every run as a new file and never overwrites one, even with the same date', () => {
    const dir = tempDir();
    const first = appendHistory(dir, run('2026-01-01T00:00:00.000Z', 10, 4));
    const before = readFileSync(first, 'utf8');
    const second = appendHistory(dir, run('2026-01-01T00:00:00.000Z', 11, 5));
    const third = appendHistory(dir, run('2026-01-02T00:00:00.000Z', 12, 3));
    expect(new Set([first, second, third]).size).toBe(3);
    expect(readdirSync(dir)).toHaveLength(3);
    expect(readFileSync(first, 'utf8')).toBe(before);
    expect(readHistory(dir).map((r) => r.results[0]?.results[0]?.median)).toEqual([10, 11, 12]);
  });

  it('reads an empty history when the folder does not exist yet', () => {
    expect(readHistory(join(tempDir(), 'missing'))).toEqual([]);
  });

  it('summarises the latest run with the spread of every row over all kept runs and the bar count', () => {
    const history = [
      run('2026-01-01T00:00:00.000Z', 10, 4, 3),
      run('2026-01-02T00:00:00.000Z', 7, 5, 9),
      run('2026-01-03T00:00:00.000Z', 12, 3, 1),
    ];
    const latest = history[2] as RunRecord;
    const rows = summarize(latest, history);
    expect(rows[0]).toMatchObject({
      contender: 'ours',
      latest: 12,
      min: 7,
      max: 12,
      runs: 3,
      barMet: { met: 2, of: 3, description: '>= 2x peer' },
    });
    expect(rows[1]).toMatchObject({ contender: 'peer', latest: 3, min: 3, max: 5, runs: 3 });
    const markdown = toSummaryMarkdown(rows, history);
    expect(markdown).toContain('3 kept run(s)');
    expect(markdown).toContain('load average at their start 1.0–9.0');
    expect(markdown).toContain('>= 2x peer: 2 of 3 runs');
  });
});
