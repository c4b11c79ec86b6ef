// The throughput curve the docs' benchmark page shows: for each pool, every
// contender's throughput as a fraction of the ideal (workers ÷ task time) against
// the task size, from the `*-throughput-*` scenarios of one run.
import type { ScenarioResult } from './harness.js';

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#3451b2', '#5f7ee8', '#c0392b', '#27ae60', '#d68910', '#7d3c98'];

/** The points of one pool kind: per contender, [task µs, % of ideal]. */
export function curvePoints(
  results: readonly ScenarioResult[],
  kind: 'threads' | 'processes',
): Map<string, [number, number][]> {
  const lines = new Map<string, [number, number][]>();
  for (const r of results) {
    const match = new RegExp(`^${kind}-throughput-(\\d+)us$`).exec(r.id);
    if (match === null || r.ideal === undefined || r.failed !== undefined) continue;
    const us = Number(match[1]);
    for (const row of r.results) {
      if (row.median === null) continue;
      const points = lines.get(row.name) ?? [];
      points.push([us, (100 * row.median) / r.ideal]);
      lines.set(row.name, points);
    }
  }
  for (const points of lines.values()) points.sort((a, b) => a[0] - b[0]);
  return lines;
}

/** An SVG with one panel per pool: % of ideal (y) against task size (x, log scale). */
export function toCurveSvg(results: readonly ScenarioResult[], caption: string): string {
  const panelWidth = 460;
  const plot = { left: 50, top: 40, width: 380, height: 220 };
  const legendTop = plot.top + plot.height + 40;
  const parts: string[] = [];
  let height = 0;
  (['threads', 'processes'] as const).forEach((kind, p) => {
    const lines = curvePoints(results, kind);
    if (lines.size === 0) return;
    const ox = p * panelWidth;
    const xs = [...new Set([...lines.values()].flat().map(([us]) => us))].sort((a, b) => a - b);
    const lo = Math.log10(Math.min(...xs));
    const hi = Math.log10(Math.max(...xs));
    const x = (us: number) =>
      ox +
      plot.left +
      (hi === lo ? plot.width / 2 : ((Math.log10(us) - lo) / (hi - lo)) * plot.width);
    const y = (pct: number) => plot.top + plot.height - (Math.min(pct, 110) / 110) * plot.height;
    parts.push(
      `<text x="${ox + plot.left}" y="24" font-weight="bold">${kind === 'threads' ? 'ThreadPool vs thread pools' : 'ProcessPool vs process modes'}: % of ideal</text>`,
    );
    for (const pct of [0, 25, 50, 75, 95]) {
      parts.push(
        `<line x1="${ox + plot.left}" x2="${ox + plot.left + plot.width}" y1="${y(pct)}" y2="${y(pct)}" stroke="${pct === 95 ? '#888' : '#ddd'}"${pct === 95 ? ' stroke-dasharray="4 3"' : ''}/>`,
        `<text x="${ox + plot.left - 6}" y="${y(pct) + 4}" text-anchor="end">${pct}%</text>`,
      );
    }
    parts.push(
      `<line x1="${ox + plot.left}" x2="${ox + plot.left + plot.width}" y1="${y(100)}" y2="${y(100)}" stroke="#bbb"/>`,
    );
    for (const us of xs)
      parts.push(
        `<text x="${x(us)}" y="${plot.top + plot.height + 16}" text-anchor="middle">${us < 1000 ? `${us} µs` : `${us / 1000} ms`}</text>`,
      );
    [...lines.entries()].forEach(([name, points], i) => {
      const color = COLORS[i % COLORS.length];
      const path = points.map(([us, pct]) => `${x(us).toFixed(1)},${y(pct).toFixed(1)}`).join(' ');
      parts.push(
        `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`,
        ...points.map(
          ([us, pct]) =>
            `<circle cx="${x(us).toFixed(1)}" cy="${y(pct).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(name)}: ${pct.toFixed(1)}% of ideal</title></circle>`,
        ),
        `<rect x="${ox + plot.left}" y="${legendTop + i * 16 - 9}" width="10" height="10" fill="${color}"/>`,
        `<text x="${ox + plot.left + 16}" y="${legendTop + i * 16}">${escapeXml(name)}</text>`,
      );
      height = Math.max(height, legendTop + i * 16 + 12);
    });
  });
  height += 20;
  parts.push(`<text x="4" y="${height - 6}" fill="#555">${escapeXml(caption)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * panelWidth}" height="${height}" font-family="sans-serif" font-size="12">\n${parts.join('\n')}\n</svg>\n`;
}
