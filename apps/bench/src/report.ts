import type { ScenarioResult } from './harness.js';

/** A figure with its unit, as the table shows it. */
export const fmt = (value: number, unit: string): string => {
  if (unit === 'ops/s' || unit === 'items/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M/s`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k/s`;
    return `${value.toFixed(0)}/s`;
  }
  if (unit === 'x') return `${value.toFixed(2)}×`;
  if (unit === '%') return `${value.toFixed(1)}%`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ${unit}`;
};

/**
 * How @par compares with a contender, in words: "2.31× faster", "1.50× slower",
 * "1.90× less memory". `ours` and `theirs` are medians in the scenario's unit.
 */
export function compare(
  ours: number,
  theirs: number,
  unit: string,
  better: 'higher' | 'lower',
): string {
  // f > 1: @par is better by that factor
  const f = better === 'higher' ? ours / theirs : theirs / ours;
  const factor = f >= 1 ? f : 1 / f;
  const digits = factor >= 100 ? 0 : factor >= 10 ? 1 : 2;
  const [good, bad] = unit === 'MB' ? ['less memory', 'more memory'] : ['faster', 'slower'];
  if (factor.toFixed(digits) === (1).toFixed(digits)) return 'about the same';
  return `${factor.toFixed(digits)}× ${f >= 1 ? good : bad}`;
}

const direction = (better: 'higher' | 'lower'): string =>
  better === 'higher' ? 'higher is better' : 'lower is better';

const unitNames: Record<string, string> = {
  'ops/s': 'calls per second',
  'items/s': 'items per second',
  ms: 'milliseconds',
  µs: 'microseconds',
  MB: 'megabytes',
  x: 'speed-up factor',
  '%': 'percent',
};

/** The Markdown table the bench prints and the docs' benchmark page shows. */
export function toMarkdown(results: ScenarioResult[], meta: Record<string, string>): string {
  const about = [`Measured ${meta.date} on ${meta.machine}, Node ${meta.node}`];
  if (meta.load) about.push(`load average at start ${meta.load}`);
  if (meta.command) about.push(`command \`${meta.command}\``);
  const lines = [
    `${about.join('; ')}. Medians of alternating rounds after a warm-up; compare ratios within a scenario.${meta.python ? ` Python rows: ${meta.python}.` : ''}`,
    '',
    '| scenario | contender | result | @par is… |',
    '|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.failed !== undefined) {
      lines.push(`| **${r.title}** | **FAILED** | ${r.failed.replace(/\|/g, '\\|')} |  |`);
      continue;
    }
    const ours = r.results.find((x) => x.ours && x.median !== null)?.median ?? null;
    const target = r.bar
      ? `<br>target: ${r.bar.description} — ${r.bar.met ? 'met' : '**NOT met**'}`
      : '';
    const heading = `**${r.title}** (${direction(r.better)})${target}`;
    r.results.forEach((x, i) => {
      const value =
        x.median === null
          ? `n/a (${x.unavailable ?? 'no data'})`
          : `${fmt(x.median, r.unit)}${
              r.ideal !== undefined ? ` (${((100 * x.median) / r.ideal).toFixed(1)}% of ideal)` : ''
            }`;
      const ratio =
        !x.ours && x.median !== null && ours !== null && x.median > 0 && ours > 0
          ? compare(ours, x.median, r.unit, r.better)
          : '';
      lines.push(
        `| ${i === 0 ? heading : ''} | ${x.ours ? `**${x.name}**` : x.name} | ${value} | ${ratio} |`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Layout of {@link toSvg}, in SVG user units (px at 100 %). */
export const CHART = {
  /** Narrow enough that a phone shows the text at a readable size. */
  width: 440,
  /** Left margin of labels and bars. */
  left: 8,
  /** Room right of the longest bar for its value. */
  valueWidth: 86,
  /** Height of one line of text. */
  lineHeight: 15,
  barHeight: 12,
  rowGap: 8,
  /** Space above a scenario heading (separates it from the group before). */
  groupGap: 30,
  fontSize: 12,
  /** A generous estimate of a character's width, in em, for wrapping. */
  charWidth: 0.62,
} as const;

/** Splits `text` at spaces into lines that fit the chart's width. */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * A horizontal bar chart, one group per scenario. Each contender's name is on its own
 * line(s) above its bar, so names never overlap bars or values, and long names and
 * headings wrap instead of being cut off; every bar is the contender's score relative to
 * the best of its scenario (the best is full length), so a longer bar is always better,
 * whether the unit is a rate, a time or a size.
 */
export function toSvg(results: ScenarioResult[]): string {
  const c = CHART;
  const barMax = c.width - c.left - c.valueWidth;
  const maxChars = Math.floor((c.width - 2 * c.left) / (c.fontSize * c.charWidth));
  let y = 0;
  const parts: string[] = [];
  /** Writes `text` wrapped, starting at the current y; moves y below it. */
  const write = (text: string, attrs = '') => {
    for (const line of wrapText(text, maxChars)) {
      parts.push(
        `<text x="${c.left}" y="${y + c.lineHeight - 3}"${attrs}>${escapeXml(line)}</text>`,
      );
      y += c.lineHeight;
    }
  };
  write('Longer bar = better.', ' font-weight="bold"');
  write(
    'Each bar is relative to the best contender of its scenario; for times and memory the shortest figure gets the longest bar.',
  );
  y += 4;
  parts.push(
    `<rect x="${c.left}" y="${y}" width="12" height="10" fill="#3451b2"/>`,
    `<text x="${c.left + 18}" y="${y + 9}">@par</text>`,
    `<rect x="${c.left + 60}" y="${y}" width="12" height="10" fill="#a8b1c2"/>`,
    `<text x="${c.left + 78}" y="${y + 9}">other libraries and Python</text>`,
  );
  y += 12;
  for (const r of results) {
    if (r.failed !== undefined) continue;
    y += c.groupGap;
    write(r.title, ' font-weight="bold"');
    write(`${unitNames[r.unit] ?? r.unit}, ${direction(r.better)}`, ' fill="#555"');
    y += 4;
    const values = r.results.filter((x) => x.median !== null).map((x) => x.median as number);
    const best = r.better === 'higher' ? Math.max(...values) : Math.min(...values);
    for (const x of r.results) {
      const score =
        x.median === null ? 0 : r.better === 'higher' ? x.median / best : best / x.median;
      const barWidth = Math.max(1, score * barMax);
      const value =
        x.median === null ? `n/a (${x.unavailable ?? 'no data'})` : fmt(x.median, r.unit);
      write(x.name);
      parts.push(
        `<rect x="${c.left}" y="${y}" width="${barWidth.toFixed(1)}" height="${c.barHeight}" fill="${x.ours ? '#3451b2' : '#a8b1c2'}"/>`,
        `<text x="${(c.left + barWidth + 6).toFixed(1)}" y="${y + c.barHeight - 2}">${escapeXml(value)}</text>`,
      );
      y += c.barHeight + c.rowGap;
    }
  }
  y += 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${c.width}" height="${y}" viewBox="0 0 ${c.width} ${y}" font-family="sans-serif" font-size="${c.fontSize}">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}
