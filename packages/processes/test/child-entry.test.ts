import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/process-entry.cjs', import.meta.url));
const boot = fileURLToPath(new URL('../dist/process-boot.cjs', import.meta.url));
// what an ES module imports, and what a CommonJS file (the bundles) requires
const importPattern =
  /^(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|\brequire\(['"]([^'"]+)['"]\)/gm;

/** Every file the child entry loads at start-up: its static import graph (built-ins left out). */
function staticGraph(from: string): Set<string> {
  const files = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const require = createRequire(file);
    for (const [, imported, required] of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const specifier = imported ?? required;
      if (specifier === undefined || specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (specifier.startsWith('@par/')) visit(require.resolve(specifier));
    }
  };
  visit(from);
  return files;
}

/** The source files bundled into the child entry, from its source map. */
function bundledSources(): string[] {
  const map = JSON.parse(readFileSync(`${entry}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => resolve(dirname(entry), source));
}

const coreSrc = fileURLToPath(new URL('../../core/src/', import.meta.url));
const asyncSrc = fileURLToPath(new URL('../../async/src/', import.meta.url));
const queueSrc = fileURLToPath(new URL('../../queue/src/', import.meta.url));

describe('the child entry', () => {
  it('is one file: it imports no other file of @par/processes, @par/core, @par/async or @par/queue', () => {
    // the walk follows every @par import, so a chunk or a package's file would show
    expect([...staticGraph(entry)]).toEqual([entry]);
  });

  it('is started by a boot file that requires no other file of ours (it reads the entry itself)', () => {
    expect([...staticGraph(boot)]).toEqual([boot]);
  });

  it('carries @par/async and @par/queue, whose classes are branded', () => {
    const sources = bundledSources();
    expect(sources).toContain(resolve(asyncSrc, 'errors.ts'));
    expect(sources).toContain(resolve(queueSrc, 'queue.ts'));
  });

  it('leaves out what a child never uses (built from the sources, so unused code is dropped)', () => {
    const sources = bundledSources();
    for (const unused of ['task-group.ts', 'rate-limiter.ts', 'map-iter.ts', 'limit.ts']) {
      expect(sources).not.toContain(resolve(asyncSrc, unused));
    }
    expect(sources).not.toContain(resolve(queueSrc, 'consume.ts'));
  });

  it("carries @par/core's worker runtime, never the engine (the root entry)", () => {
    const sources = bundledSources();
    expect(sources).toContain(resolve(coreSrc, 'worker/runtime.ts'));
    expect(sources.filter((file) => file.startsWith(resolve(coreSrc, 'engine')))).toEqual([]);
    expect(sources).not.toContain(resolve(coreSrc, 'index.ts'));
    expect(sources).not.toContain(resolve(coreSrc, 'pool.ts'));
  });
});
