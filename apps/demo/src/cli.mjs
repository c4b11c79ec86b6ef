#!/usr/bin/env node
// The @par tour: `npx -y pnpm@10 demo` from the repository root. Exit code 0 when
// every section ran and every result checked out, 1 when one failed, 2 for bad flags.
import { availableParallelism } from 'node:os';
import { parseOptions, UsageError, usage } from './options.mjs';
import { sections } from './sections.mjs';
import { runTour } from './tour.mjs';

const cores = availableParallelism();
let options;
try {
  options = parseOptions(process.argv.slice(2), { sections, cores });
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${usage(sections, cores)}`);
  process.exit(2);
}
if (options.help) {
  console.log(usage(sections, cores));
} else {
  const ok = await runTour({ ...options, cores });
  process.exitCode = ok ? 0 : 1;
}
