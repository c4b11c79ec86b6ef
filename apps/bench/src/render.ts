// Re-renders results/latest.{md,svg} (or the run named on the command line) from its
// .json, without running the benchmarks again: `pnpm --filter @par/bench render [name]`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from './harness.js';
import { toMarkdown, toSvg } from './report.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const name = process.argv[2] ?? 'latest';
const { meta, results } = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as {
  meta: Record<string, string>;
  results: ScenarioResult[];
};
writeFileSync(join(out, `${name}.md`), toMarkdown(results, meta));
writeFileSync(join(out, `${name}.svg`), toSvg(results));
console.log(`rendered results/${name}.md and results/${name}.svg`);
