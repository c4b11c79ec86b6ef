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

/** The Markdown table the bench prints and the docs' benchmark page shows. */
export function toMarkdown(results: ScenarioResult[], meta: Record<string, string>): string {
  const lines = [
    `Measured ${meta.date} on ${meta.machine}, Node ${meta.node}${meta.load ? `, load average at start ${meta.load}` : ''}. Medians of alternating rounds after a warm-up; compare ratios within a row.${meta.python ? ` Python rows: ${meta.python}.` : ''}`,
    '',
    '| scenario | contender | result | vs @par | bar |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.failed !== undefined) {
      lines.push(`| ${r.title} | **FAILED** | ${r.failed.replace(/\|/g, '\\|')} |  |  |`);
      continue;
    }
    const ours = r.results.find((x) => x.ours && x.median !== null)?.median ?? null;
    r.results.forEach((x, i) => {
      let value = x.median === null ? `n/a (${x.unavailable ?? 'no data'})` : fmt(x.median, r.unit);
      if (x.median !== null && r.ideal !== undefined)
        value += ` (${((100 * x.median) / r.ideal).toFixed(1)}% of ideal)`;
      let ratio = '';
      if (!x.ours && x.median !== null && ours !== null && x.median > 0) {
        const f = r.better === 'higher' ? ours / x.median : x.median / ours;
        ratio = `@par ${f.toFixed(2)}× ${f >= 1 ? 'better' : 'worse'}`;
      }
      const bar = i === 0 && r.bar ? `${r.bar.description}: ${r.bar.met ? 'met' : 'NOT met'}` : '';
      lines.push(
        `| ${i === 0 ? r.title : ''} | ${x.ours ? `**${x.name}**` : x.name} | ${value} | ${ratio} | ${bar} |`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar chart, one group per scenario, bars normalised to the best contender. */
export function toSvg(results: ScenarioResult[]): string {
  const rowHeight = 18;
  const width = 760;
  const labelWidth = 260;
  let y = 20;
  const parts: string[] = [];
  for (const r of results) {
    if (r.failed !== undefined) continue;
    parts.push(`<text x="4" y="${y}" font-weight="bold">${escapeXml(r.title)}</text>`);
    y += rowHeight;
    const values = r.results.filter((x) => x.median !== null).map((x) => x.median as number);
    const best = r.better === 'higher' ? Math.max(...values) : Math.min(...values);
    for (const x of r.results) {
      const score =
        x.median === null ? 0 : r.better === 'higher' ? x.median / best : best / x.median;
      const barWidth = Math.max(1, score * (width - labelWidth - 90));
      parts.push(
        `<text x="12" y="${y + 12}">${escapeXml(x.name)}</text>`,
        `<rect x="${labelWidth}" y="${y + 2}" width="${barWidth.toFixed(1)}" height="${rowHeight - 5}" fill="${x.ours ? '#3451b2' : '#a8b1c2'}"/>`,
        `<text x="${labelWidth + barWidth + 6}" y="${y + 12}">${x.median === null ? 'n/a' : escapeXml(fmt(x.median, r.unit))}</text>`,
      );
      y += rowHeight;
    }
    y += 8;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="12">\n${parts.join('\n')}\n</svg>\n`;
}
