import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/harness.js';
import { CHART, compare, toMarkdown, toSvg } from '../src/report.js';

const scenario = (
  title: string,
  better: 'higher' | 'lower',
  unit: ScenarioResult['unit'],
  rows: [name: string, median: number | null, ours?: boolean][],
): ScenarioResult => ({
  id: title,
  title,
  unit,
  better,
  results: rows.map(([name, median, ours]) => ({
    name,
    median,
    samples: [],
    spread: null,
    ours: ours ?? false,
  })),
});

const results: ScenarioResult[] = [
  scenario('tiny tasks', 'higher', 'ops/s', [
    ['@par/threads ThreadPool.run', 563_000, true],
    ['piscina', 23_000],
  ]),
  scenario('start-up of a pool of 2 processes (until both answered a call)', 'lower', 'ms', [
    ['@par/processes ProcessPool (inherited execArgv)', 350, true],
    ['Python multiprocessing.Pool(2)', 4.46],
    ['python row', null],
  ]),
  scenario('RSS after 100k tasks', 'lower', 'MB', [
    ['@par/threads ThreadPool.run', 183, true],
    ['piscina', 348],
    ['tinypool', 193],
  ]),
];

interface Box {
  kind: 'text' | 'rect';
  x: number;
  top: number;
  bottom: number;
  right: number;
  text?: string;
}

/** The chart's texts and bars as boxes, text widths estimated generously (0.62 em a character). */
function boxes(svg: string): Box[] {
  const out: Box[] = [];
  for (const m of svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)) {
    const x = Number(m[1]);
    const y = Number(m[2]);
    const text = (m[3] ?? '').replace(/&[a-z]+;/g, '&');
    out.push({
      kind: 'text',
      x,
      top: y - CHART.fontSize + 2,
      bottom: y + 3,
      right: x + text.length * CHART.fontSize * 0.62,
      text,
    });
  }
  for (const m of svg.matchAll(
    /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
  )) {
    const [x, y, w, h] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    out.push({ kind: 'rect', x, top: y, bottom: y + h, right: x + w });
  }
  return out;
}

const overlap = (a: Box, b: Box) =>
  a.x < b.right && b.x < a.right && a.top < b.bottom && b.top < a.bottom;

describe('benchmark chart', () => {
  const svg = toSvg(results);
  const all = boxes(svg);

  it('never lets a label, a value or a bar overlap another', () => {
    const clashes: string[] = [];
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const [a, b] = [all[i], all[j]] as [Box, Box];
        if (overlap(a, b)) clashes.push(`${a.text ?? 'bar'} / ${b.text ?? 'bar'}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('fits every label inside the chart, wrapping long ones instead of cutting them off', () => {
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    for (const b of all) expect(b.right, b.text).toBeLessThanOrEqual(width);
    // the long heading is there in full, over two lines
    const heading = 'start-up of a pool of 2 processes (until both answered a call)';
    expect(heading.length * CHART.fontSize * CHART.charWidth).toBeGreaterThan(width);
    const lines = all.filter((b) => b.text !== undefined && heading.includes(b.text));
    expect(lines.map((b) => b.text).join(' ')).toBe(heading);
    expect(svg).toContain('@par/processes ProcessPool (inherited execArgv)');
  });

  it('puts each scenario heading above its own bars, set apart from the group before', () => {
    const texts = all.filter((b) => b.kind === 'text');
    const bars = all.filter((b) => b.kind === 'rect' && b.right - b.x !== 12);
    const headings = results.map((r) => {
      const first = texts.find((t) => t.text !== undefined && r.title.startsWith(t.text));
      if (first === undefined) throw new Error(`no heading for ${r.title}`);
      return first;
    });
    for (const [i, heading] of headings.entries()) {
      const end = headings[i + 1]?.top ?? Number.POSITIVE_INFINITY;
      // the bars between this heading and the next are this scenario's own
      const own = bars.filter((b) => b.top > heading.bottom && b.top < end);
      expect(own.length).toBe(results[i]?.results.length);
      // inside the group, every element follows the one before closely…
      const group = all
        .filter((b) => b.top >= heading.top && b.top < end)
        .sort((p, q) => p.top - q.top);
      let widest = 0;
      for (let k = 1; k < group.length; k++) {
        const gap = (group[k] as Box).top - Math.max(...group.slice(0, k).map((g) => g.bottom));
        widest = Math.max(widest, gap);
      }
      // …and the heading is at least twice as far from the group above as any of those gaps
      if (i > 0) {
        const lastAbove = Math.max(
          ...all.filter((b) => b.bottom <= heading.top).map((b) => b.bottom),
        );
        expect(heading.top - lastAbove).toBeGreaterThanOrEqual(2 * widest);
      }
    }
  });

  it('says that a longer bar is better, for times as for rates', () => {
    expect(svg).toContain('Longer bar = better.');
    expect(svg).toContain('milliseconds, lower is better');
    // lower is better: Python's 4.46 ms start-up gets the full bar, @par's 350 ms a short one
    const widths = [...svg.matchAll(/<rect x="8" y="[\d.]+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(Math.max(...widths)).toBeCloseTo(CHART.width - CHART.left - CHART.valueWidth);
  });
});

describe('benchmark table', () => {
  const md = toMarkdown(results, {
    date: 'd',
    machine: '2 × cpu',
    node: 'v20',
    command: 'pnpm bench',
  });

  it('writes ratios as "× faster" / "× slower" / "× less memory", never "0.01× worse"', () => {
    expect(md).toContain('| piscina | 23.0k/s | 24.5× faster |');
    expect(md).toContain('| Python multiprocessing.Pool(2) | 4.46 ms | 78.5× slower |');
    expect(md).toContain('| piscina | 348 MB | 1.90× less memory |');
    expect(md).not.toMatch(/worse|better \|/);
  });

  it('has four columns, the target in the scenario cell, and states the machine and command', () => {
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
      // cells between the outer pipes
      expect(line.slice(1, -1).split('|').length, line).toBe(4);
    }
    expect(md).toContain('on 2 × cpu, Node v20; command `pnpm bench`');
    expect(md).toContain('(lower is better)');
  });

  it('compares in both directions and rounds to a readable factor', () => {
    expect(compare(2.3, 1, 'ops/s', 'higher')).toBe('2.30× faster');
    expect(compare(1, 1.5, 'ops/s', 'higher')).toBe('1.50× slower');
    expect(compare(10, 15, 'ms', 'lower')).toBe('1.50× faster');
    expect(compare(100, 100.1, 'µs', 'lower')).toBe('about the same');
    expect(compare(200, 100, 'MB', 'lower')).toBe('2.00× more memory');
  });
});
