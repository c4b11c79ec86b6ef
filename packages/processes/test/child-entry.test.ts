import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/process-entry.js', import.meta.url));
const importPattern = /^(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm;

/** Every file the child entry loads at start-up: its static import graph (built-ins left out). */
function staticGraph(from: string): Set<string> {
  const files = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const require = createRequire(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (specifier === undefined || specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (specifier.startsWith('@par/')) visit(require.resolve(specifier));
    }
  };
  visit(from);
  return files;
}

describe('the child entry', () => {
  it('loads @par/core through its worker entry only, never the engine (the root entry)', () => {
    const graph = staticGraph(entry);
    const require = createRequire(entry);
    // the walk sees the runtime, so it would see the root entry if anything imported it
    expect(graph).toContain(require.resolve('@par/core/worker'));
    expect(graph).not.toContain(require.resolve('@par/core'));
  });
});
