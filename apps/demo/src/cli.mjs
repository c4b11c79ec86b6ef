#!/usr/bin/env node
// The @par tour: each section is a Python tutorial idiom done with @par, printed as
// it runs. `pnpm demo` runs every section; `pnpm demo async` runs one.
import { sections } from './sections.mjs';

const wanted = process.argv.slice(2);
const chosen = sections.filter((s) => wanted.length === 0 || wanted.includes(s.id));
if (chosen.length === 0) {
  console.error(
    `Unknown section ${wanted.join(', ')}; choose from ${sections.map((s) => s.id).join(', ')}`,
  );
  process.exit(2);
}
console.log('@par — the Python parallel-processing toolkit, done the JavaScript way\n');
for (const section of chosen) {
  console.log(`── ${section.title} ${'─'.repeat(Math.max(0, 70 - section.title.length))}`);
  const started = performance.now();
  await section.run((line) => console.log(`   ${line}`));
  console.log(`   (${(performance.now() - started).toFixed(0)} ms)\n`);
}
console.log('Read more: apps/docs (npx -y pnpm@10 --filter @par/docs dev)');
