// Every benchmark run is kept: one JSON file per run in results/history/, never
// overwritten and never pruned, so that the docs can show the latest run beside the
// spread (min–max) over all the kept runs instead of a selected best one.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from './harness.js';

/** Where and how a run was measured. */
export interface RunMeta {
  /** ISO date of the start of the run. */
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number };
  node: string;
  /** `os.loadavg()` (1, 5, 15 minutes) when the run started: how busy the machine was. */
  loadAverageAtStart: number[];
  /** `os.loadavg()` when the run ended. */
  loadAverageAtEnd?: number[];
  /** The interpreter of the Python rows, or null when none could import joblib. */
  python: { path: string; version: string } | null;
  command: string;
}

/** One kept run: its meta and every scenario's rows (medians, samples, spread). */
export interface RunRecord {
  meta: RunMeta;
  results: ScenarioResult[];
}

/** The file name of a run started at `date`, e.g. `2026-12-06T04-45-00.123Z.json`. */
export function historyFileName(date: string, attempt = 0): string {
  const base = date.replace(/:/g, '-');
  return attempt === 0 ? `${base}.json` : `${base}-${attempt + 1}.json`;
}

/** Adds `run` to the history in `dir` as a new file (never overwriting one); returns its path. */
export function appendHistory(dir: string, run: RunRecord): string {
  for (let attempt = 0; ; attempt++) {
    const file = join(dir, historyFileName(run.meta.date, attempt));
    try {
      writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Every kept run in `dir`, oldest first. */
export function readHistory(dir: string): RunRecord[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // same start date: the order they were appended in (historyFileName's attempt suffix)
  const attempt = (file: string): number => Number(/Z-(\d+)\.json$/.exec(file)?.[1] ?? 1);
  return files
    .map((f) => ({ f, run: JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunRecord }))
    .sort((a, b) => a.run.meta.date.localeCompare(b.run.meta.date) || attempt(a.f) - attempt(b.f))
    .map(({ run }) => run);
}

/** One row of the summary: the latest median and the spread of medians over the history. */
export interface SummaryRow {
  scenario: string;
  title: string;
  unit: ScenarioResult['unit'];
  contender: string;
  ours: boolean;
  latest: number | null;
  /** Lowest and highest median of this row over every kept run that has it. */
  min: number | null;
  max: number | null;
  /** How many kept runs have a median for this row. */
  runs: number;
  /** For the first row of a scenario with a bar: in how many runs it was met, of how many. */
  barMet?: { met: number; of: number; description: string };
}

/** The rows of `latest` with their spread over `history` (which should include `latest`). */
export function summarize(latest: RunRecord, history: readonly RunRecord[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const scenario of latest.results) {
    scenario.results.forEach((row, i) => {
      const medians: number[] = [];
      for (const run of history) {
        const median = run.results
          .find((s) => s.id === scenario.id)
          ?.results.find((r) => r.name === row.name)?.median;
        if (typeof median === 'number') medians.push(median);
      }
      const summary: SummaryRow = {
        scenario: scenario.id,
        title: scenario.title,
        unit: scenario.unit,
        contender: row.name,
        ours: row.ours,
        latest: row.median,
        min: medians.length ? Math.min(...medians) : null,
        max: medians.length ? Math.max(...medians) : null,
        runs: medians.length,
      };
      if (i === 0 && scenario.bar) {
        const bars = history
          .map((run) => run.results.find((s) => s.id === scenario.id)?.bar)
          .filter((b) => b !== undefined);
        summary.barMet = {
          met: bars.filter((b) => b.met).length,
          of: bars.length,
          description: scenario.bar.description,
        };
      }
      rows.push(summary);
    });
  }
  return rows;
}
