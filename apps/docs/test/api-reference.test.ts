// The API reference is generated from the packages' sources; these tests check that it
// covers every export of every package's src/index.ts, with the options' defaults.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildReference,
  indexPage,
  PACKAGES,
  type PackageReference,
} from '../scripts/api-reference.js';

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** The names a package's index.ts exports, read from its export declarations. */
function exportedNames(dir: string): string[] {
  const file = `${packagesDir}${dir}/src/index.ts`;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const el of statement.exportClause.elements) names.push(el.name.text);
    }
  }
  return names;
}

let refs: PackageReference[];
beforeAll(() => {
  refs = buildReference();
}, 120_000);

describe('API reference', () => {
  it.each(PACKAGES.map((p) => p.dir))('documents every export of @par/%s', (dir) => {
    const names = exportedNames(dir);
    expect(names.length).toBeGreaterThan(0);
    const ref = refs.find((r) => r.dir === dir);
    if (ref === undefined) throw new Error(`no reference for ${dir}`);
    for (const name of names) {
      const entry = ref.entries.find((e) => e.name === name);
      expect(entry, `${name} of @par/${dir}`).toBeDefined();
      if (entry?.kind === 're-export') {
        // documented where it is defined, and linked from here
        const home = refs.find((r) => r.dir === entry.from);
        expect(home?.markdown, `${name} in @par/${entry.from}`).toContain(`{#${name}}`);
        expect(ref.markdown).toContain(`(./${entry.from}.md#${name})`);
      } else {
        expect(ref.markdown).toMatch(new RegExp(`^## ${name} .*\\{#${name}\\}$`, 'm'));
      }
    }
  });

  it('gives every option its type, default and meaning', () => {
    const threads = refs.find((r) => r.dir === 'threads')?.markdown ?? '';
    const section = threads.slice(threads.indexOf('## ThreadPoolOptions'));
    // inherited from the engine's PoolOptions, with the @default of its TSDoc
    expect(section).toMatch(
      /^\| `maxWorkers` \| `number` \| `cpuCount\(\)` \| The most workers that run at once\./m,
    );
    expect(section).toMatch(/^\| `idleTimeout` \| `number` \| `10_000` \| /m);
  });

  it('shows signatures, overloads and examples from the TSDoc', () => {
    const threads = refs.find((r) => r.dir === 'threads')?.markdown ?? '';
    expect(threads).toContain('new ThreadPool(options?: ThreadPoolOptions | number)');
    expect(threads).toContain(
      'run<A extends unknown[], R>(call: CallDescriptor<A, R>): Promise<Awaited<R>>',
    );
    expect(threads).toContain('await pool.map(t.square, [1, 2, 3]); // [1, 4, 9]');
    // a member documented by the class that defines it (ThreadPool inherits map from the engine)
    expect(threads).toContain('#### threadPool.map');
  });

  it('escapes what Vue would read as HTML outside code', () => {
    for (const r of refs) {
      const prose = r.markdown
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '')
        .replace(/<Badge [^>]*\/>/g, '')
        .replace(/<div class="options-table">|<\/div>/g, '');
      expect(prose, r.name).not.toMatch(/<[A-Za-z]/);
      expect(prose, r.name).not.toContain('{{');
    }
  });

  it('lists every package on the index page, joblib-style and cluster included', () => {
    const index = indexPage(refs);
    for (const p of PACKAGES) expect(index).toContain(`(./${p.dir}.md)`);
    expect(PACKAGES.map((p) => p.dir)).toEqual(expect.arrayContaining(['joblib-style', 'cluster']));
  });
});
