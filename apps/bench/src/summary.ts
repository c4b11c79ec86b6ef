// The summary the docs' benchmark page shows: the latest run's medians beside the
// spread (lowest–highest median) of every kept run, and how often each bar was met.
import type { RunRecord, SummaryRow } from './history.js';
import { fmt } from './report.js';

/** Markdown of `rows` (from `summarize`) over `history`. */
export function toSummaryMarkdown(
  rows: readonly SummaryRow[],
  history: readonly RunRecord[],
): string {
  const loads = history.map((r) => r.meta.loadAverageAtStart[0] ?? Number.NaN);
  const lines = [
    `${history.length} kept run(s) in apps/bench/results/history/, from ${history[0]?.meta.date ?? '-'} to ${history.at(-1)?.meta.date ?? '-'}; 1-minute load average at their start ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}. "latest" is the last run; the spread is the lowest and highest median of each row over every kept run (no run is selected).`,
    '',
    '| scenario | contender | latest | spread over kept runs | bar met |',
    '|---|---|---|---|---|',
  ];
  let previous = '';
  for (const row of rows) {
    const latest = row.latest === null ? 'n/a' : fmt(row.latest, row.unit);
    const spread =
      row.min === null || row.max === null
        ? 'n/a'
        : `${fmt(row.min, row.unit)} – ${fmt(row.max, row.unit)} (${row.runs} run${row.runs === 1 ? '' : 's'})`;
    const bar = row.barMet
      ? `${row.barMet.description}: ${row.barMet.met} of ${row.barMet.of} runs`
      : '';
    lines.push(
      `| ${row.scenario === previous ? '' : row.title} | ${row.ours ? `**${row.contender}**` : row.contender} | ${latest} | ${spread} | ${bar} |`,
    );
    previous = row.scenario;
  }
  return `${lines.join('\n')}\n`;
}
