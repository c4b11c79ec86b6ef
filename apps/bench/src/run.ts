// Runs the benchmark scenarios and writes results/latest.{json,md,svg}, which the
// docs' benchmark page shows. Usage: pnpm bench [id-prefix ...], e.g. `pnpm bench async`.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario, type ScenarioResult } from './harness.js';
import { toMarkdown, toSvg } from './report.js';
import { loadScenarios } from './scenarios.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
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

const results: ScenarioResult[] = [];
let failures = 0;
for (const scenario of selected) {
  console.error(`running ${scenario.id}: ${scenario.title}`);
  try {
    results.push(await runScenario(scenario, (line) => console.error(line)));
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
}

const meta = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  command: `pnpm bench${filters.length ? ` ${filters.join(' ')}` : ''}`,
};
const out = join(here, '..', 'results');
mkdirSync(out, { recursive: true });
const name = filters.length ? `latest-${filters.join('-')}` : 'latest';
const markdown = toMarkdown(results, meta);
writeFileSync(join(out, `${name}.json`), `${JSON.stringify({ meta, results }, null, 2)}\n`);
writeFileSync(join(out, `${name}.md`), markdown);
writeFileSync(join(out, `${name}.svg`), toSvg(results));
console.log(markdown);
if (failures > 0) {
  console.error(`${failures} scenario(s) FAILED`);
  process.exitCode = 1;
}
