// Runs the benchmark scenarios. Usage: pnpm bench [id-prefix ...], e.g. `pnpm bench async`.
// Every run is kept in results/history/ (one JSON per run, never overwritten);
// results/latest.{json,md,svg} and latest-curve.svg are the latest full run, and
// results/summary.{json,md} the latest run beside the spread over the kept runs,
// which the docs' benchmark page shows. A run filtered to some scenarios writes
// latest-<filters>.* instead of latest.*; a scaled run (PAR_BENCH_SCALE < 1, for
// developing the bench) writes to results/scaled/ only and is not kept.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toCurveSvg } from './curve.js';
import type { ScenarioResult } from './harness.js';
import { appendHistory, type RunMeta, type RunRecord, readHistory, summarize } from './history.js';
import { runIsolated } from './isolate.js';
import { findPython, NO_PYTHON, pythonNotice } from './python.js';
import { toMarkdown, toSvg } from './report.js';
import { scale } from './scale.js';
import { loadScenarios } from './scenarios.js';
import { toSummaryMarkdown } from './summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const loadAverageAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
const date = new Date().toISOString();
const scenarios = await loadScenarios();
const selected = scenarios.filter(
  (s) => filters.length === 0 || filters.some((f) => s.id.startsWith(f)),
);
if (selected.length === 0) {
  console.error(
    `No scenario matches ${filters.join(', ')}. Known: ${scenarios.map((s) => s.id).join(', ')}`,
  );
  process.exit(1);
}
console.error(`load average at start: ${loadAverageAtStart.join(', ')}`);
const notice = pythonNotice(findPython());
if (notice !== undefined) console.error(notice);

/** The machine's CPU time from /proc/stat (Linux): [steal, total], in ticks; undefined elsewhere. */
function readCpuTimes(): [number, number] | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'latin1')
      .split('\n')[0]
      ?.trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    if (fields === undefined || fields.length < 8) return undefined;
    // user nice system idle iowait irq softirq steal (guest time is inside user)
    return [fields[7] as number, fields.slice(0, 8).reduce((a, b) => a + b, 0)];
  } catch {
    return undefined;
  }
}
/** `, steal N%`: the CPU time the hypervisor gave other machines since `before`. */
function stealSince(before: [number, number] | undefined): string {
  const now = readCpuTimes();
  if (before === undefined || now === undefined || now[1] === before[1]) return '';
  return `, steal ${((100 * (now[0] - before[0])) / (now[1] - before[1])).toFixed(1)}%`;
}

// each scenario runs in a fresh process of its own (isolate.ts); its log lines say how
// busy the machine was and how big its process grew, to tell a slow scenario's noise
// from a slow contender
let cpuTimes = readCpuTimes();
const results: ScenarioResult[] = [];
let failures = 0;
for (const scenario of selected) {
  const started = performance.now();
  console.error(`running ${scenario.id}: ${scenario.title}`);
  try {
    results.push(await runIsolated(scenario.id));
  } catch (error) {
    // a wrong result (or a contender that crashed) fails the scenario, loudly
    failures++;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`FAILED ${scenario.id}: ${message}`);
    results.push({
      id: scenario.id,
      title: scenario.title,
      unit: scenario.unit,
      better: scenario.better,
      results: [],
      failed: message,
    });
  }
  console.error(
    `  ${scenario.id}: ${((performance.now() - started) / 1000).toFixed(1)} s (load ${os
      .loadavg()[0]
      ?.toFixed(2)}${stealSince(cpuTimes)})`,
  );
  cpuTimes = readCpuTimes();
}

const cpus = os.cpus();
const python = findPython();
const meta: RunMeta = {
  date,
  machine: {
    cpu: cpus[0]?.model ?? 'unknown cpu',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  },
  node: process.version,
  loadAverageAtStart,
  loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
  python,
  command: `pnpm bench${filters.length ? ` ${filters.join(' ')}` : ''}${scale === 1 ? '' : ` (PAR_BENCH_SCALE=${scale})`}`,
};
const run: RunRecord = { meta, results };
const display = {
  date,
  machine: `${meta.machine.cores} × ${meta.machine.cpu}, ${meta.machine.memoryGiB} GiB`,
  node: meta.node,
  load: loadAverageAtStart.join(' / '),
  python: python === null ? NO_PYTHON : `${python.path} (${python.version})`,
};

const resultsDir = join(here, '..', 'results');
const out = scale === 1 ? resultsDir : join(resultsDir, 'scaled');
mkdirSync(out, { recursive: true });
const name = filters.length ? `latest-${filters.join('-')}` : 'latest';
const markdown = toMarkdown(results, display);
writeFileSync(join(out, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(out, `${name}.md`), markdown);
writeFileSync(join(out, `${name}.svg`), toSvg(results));
writeFileSync(
  join(out, `${name}-curve.svg`),
  toCurveSvg(
    results,
    `Measured ${date}, ${display.machine}, Node ${meta.node}, load average at start ${display.load}; dashed: 95%`,
  ),
);
if (scale === 1) {
  const historyDir = join(resultsDir, 'history');
  mkdirSync(historyDir, { recursive: true });
  console.error(`kept as ${appendHistory(historyDir, run)}`);
  if (filters.length === 0) {
    const history = readHistory(historyDir);
    const rows = summarize(run, history);
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify(rows, null, 2)}\n`);
    writeFileSync(join(out, 'summary.md'), toSummaryMarkdown(rows, history));
  }
}
console.log(markdown);
if (failures > 0) {
  console.error(`${failures} scenario(s) FAILED`);
  process.exitCode = 1;
}
