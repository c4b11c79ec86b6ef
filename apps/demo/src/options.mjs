// The tour's command line: which sections, how much work, how many workers.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/**
 * @param {import('./sections.mjs').Section[]} sections
 * @param {number} cores
 */
export function usage(sections, cores) {
  const width = Math.max(...sections.map((s) => s.id.length));
  return [
    'Usage: npx -y pnpm@10 demo [options]      (from the repository root)',
    '       node apps/demo/src/cli.mjs [options]',
    '',
    'A tour of @par that measures, on this machine, what it is for: speed-ups over a',
    'sequential run, overlapping I/O, a pipeline with backpressure, and pools that survive',
    'crashing tasks. Every result is checked; timings are yours.',
    '',
    'Options:',
    `  --only <ids>      run only these sections, comma-separated (default: all)`,
    '  --size <factor>   scale the work: 1 is the default run (under a minute on 2 cores),',
    '                    0.1 a quick look, 4 a steadier measurement',
    `  --workers <n>     workers per pool, and consumer threads (default: ${cores}, the cores here)`,
    '  -h, --help        show this text',
    '',
    'Sections:',
    ...sections.map((s) => `  ${s.id.padEnd(width)}  ${s.about}`),
    '',
    'Example: npx -y pnpm@10 demo --only cpu,faults --size 0.5 --workers 4',
  ].join('\n');
}

/**
 * A whole number ≥ 1 from a flag's text, or a UsageError naming the flag.
 * @param {string} flag
 * @param {string} text
 */
function positiveInteger(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`Expected --${flag} to be a whole number ≥ 1, got "${text}"`);
  return n;
}

/**
 * @param {string[]} argv the arguments after the script
 * @param {{ sections: import('./sections.mjs').Section[], cores: number }} context
 * @returns {{ help: true } | { help: false, sections: import('./sections.mjs').Section[], size: number, workers: number }}
 */
export function parseOptions(argv, { sections, cores }) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        size: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(/** @type {Error} */ (error).message);
  }
  if (values.help) return { help: true };

  let chosen = sections;
  if (values.only !== undefined) {
    const ids = values.only
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const unknown = ids.filter((id) => !sections.some((s) => s.id === id));
    if (ids.length === 0 || unknown.length > 0)
      throw new UsageError(
        `Unknown section "${unknown.join(', ') || values.only}" in --only; choose from ${sections.map((s) => s.id).join(', ')}`,
      );
    chosen = sections.filter((s) => ids.includes(s.id));
  }

  let size = 1;
  if (values.size !== undefined) {
    size = Number(values.size);
    if (!Number.isFinite(size) || size <= 0)
      throw new UsageError(`Expected --size to be a number > 0, got "${values.size}"`);
  }

  const workers = values.workers === undefined ? cores : positiveInteger('workers', values.workers);
  return { help: false, sections: chosen, size, workers };
}
