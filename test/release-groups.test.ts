// Packages that import another @par package's private subpath (`@par/async/internal`,
// `@par/core/worker`, ...) depend on code with no compatibility promise, through
// `workspace:^` ranges. They must be released together: every such importer and
// the package it imports from sit in one changesets `fixed` group, so a release of
// one is a release of all, at one version.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface WorkspacePackage {
  dir: string;
  relativeDir: string;
  packageJson: { name: string; private?: boolean; dependencies?: Record<string, string> };
}

interface ParsedConfig {
  fixed: string[][];
  ignore: readonly string[];
}

const changesetsConfig = createRequire(
  createRequire(new URL('package.json', root)).resolve('@changesets/cli/package.json'),
)('@changesets/config') as {
  parse(
    json: unknown,
    packages: { root: unknown; packages: WorkspacePackage[]; tool: string },
  ): ParsedConfig;
};

function workspacePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const base of ['packages', 'apps', 'tools']) {
    for (const dir of readdirSync(new URL(`${base}/`, root))) {
      const relativeDir = `${base}/${dir}`;
      found.push({
        dir: new URL(relativeDir, root).pathname,
        relativeDir,
        packageJson: JSON.parse(read(`${relativeDir}/package.json`)),
      });
    }
  }
  return found;
}

/** Parses `.changeset/config.json` the way `changeset version` does (globs expanded). */
function parseConfig(packages: WorkspacePackage[]): ParsedConfig {
  return changesetsConfig.parse(JSON.parse(read('.changeset/config.json')), {
    root: { dir: root.pathname, packageJson: JSON.parse(read('package.json')) },
    packages,
    tool: 'pnpm',
  });
}

function sourceFiles(dir: URL): URL[] {
  const files: URL[] = [];
  for (const name of readdirSync(dir)) {
    const entry = new URL(name, dir);
    if (statSync(entry).isDirectory()) files.push(...sourceFiles(new URL(`${name}/`, dir)));
    else if (/\.(?:[cm]?[jt]s|tsx)$/.test(name)) files.push(entry);
  }
  return files;
}

/** The @par packages whose private subpaths (anything but the root export) `relativeDir` imports. */
function privateImports(relativeDir: string): Set<string> {
  const used = new Set<string>();
  const src = new URL(`${relativeDir}/src/`, root);
  let files: URL[];
  try {
    files = sourceFiles(src);
  } catch {
    return used;
  }
  const pattern = /(?:from|import\()\s*['"](@par\/[a-z-]+)\/(?!package\.json)[\w./-]+['"]/g;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) used.add(match[1] as string);
  }
  return used;
}

/** Importer/provider pairs that are not in one fixed group. */
function ungrouped(
  imports: ReadonlyMap<string, ReadonlySet<string>>,
  fixed: readonly string[][],
): string[] {
  const problems: string[] = [];
  for (const [importer, providers] of imports) {
    for (const provider of providers) {
      if (provider === importer) continue;
      const together = fixed.some((group) => group.includes(importer) && group.includes(provider));
      if (!together)
        problems.push(`${importer} imports private ${provider}/… outside its fixed group`);
    }
  }
  return problems;
}

describe('packages sharing private subpaths are released together', () => {
  const packages = workspacePackages();
  const config = parseConfig(packages);
  const imports = new Map<string, Set<string>>();
  for (const pkg of packages) {
    if (config.ignore.includes(pkg.packageJson.name)) continue;
    const used = privateImports(pkg.relativeDir);
    if (used.size > 0) imports.set(pkg.packageJson.name, used);
  }

  it('@par/async/internal has importers (the check is not vacuous)', () => {
    const importers = [...imports].filter(([, used]) => used.has('@par/async')).map(([n]) => n);
    expect(importers.length).toBeGreaterThanOrEqual(4);
  });

  it('every importer of a private subpath is in one fixed group with its provider', () => {
    expect(ungrouped(imports, config.fixed)).toEqual([]);
  });

  it('an importer left out of the group is reported', () => {
    const fake = new Map([['@par/solo', new Set(['@par/async'])]]);
    expect(ungrouped(fake, config.fixed)).toEqual([
      '@par/solo imports private @par/async/… outside its fixed group',
    ]);
  });

  it('the group holds every published package, @par/joblib-style and @par/cluster included', () => {
    const published = packages
      .map((p) => p.packageJson.name)
      .filter((name) => !config.ignore.includes(name));
    expect(published).toEqual(expect.arrayContaining(['@par/joblib-style', '@par/cluster']));
    const group = config.fixed.find((g) => g.includes('@par/async'));
    expect([...(group ?? [])].sort()).toEqual([...published].sort());
  });
});
