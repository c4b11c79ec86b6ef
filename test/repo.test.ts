// Repository-level checks: the README's Quick start and CI agree, and every public
// package has the published shape the architecture asks for.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

function quickStart(): string[] {
  const readme = read('README.md');
  const section = readme.split(/^## Quick start$/m)[1];
  if (!section) throw new Error('README has no "## Quick start" section');
  const block = /```(?:sh|bash|shell)?\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

describe('README and CI', () => {
  it('the Quick start is exactly two command lines using pnpm through npx', () => {
    const lines = quickStart();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^npx -y pnpm@10 /);
  });

  it('.ci/run runs exactly the second Quick start command', () => {
    const [, testCommand] = quickStart();
    const commands = read('.ci/run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npx '));
    expect(commands).toEqual([testCommand]);
  });
});

describe('package manifests', () => {
  const dirs = readdirSync(new URL('../packages/', import.meta.url));
  const manifests = dirs.map((dir) => ({
    dir,
    manifest: JSON.parse(read(`packages/${dir}/package.json`)),
  }));

  it.each(manifests)('packages/$dir has the published shape', ({ dir, manifest }) => {
    expect(manifest.name).toBe(`@par/${dir}`);
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.files).toEqual(['dist']);
    expect(manifest.engines).toEqual({ node: '>=20.19' });
    // in every conditions object that resolves to files, `types` comes first
    const check = (conditions: Record<string, unknown>) => {
      const keys = Object.keys(conditions);
      if (keys.includes('types')) expect(keys[0]).toBe('types');
      for (const value of Object.values(conditions)) {
        if (typeof value === 'object' && value !== null) check(value as Record<string, unknown>);
      }
    };
    expect(manifest.exports['.']).toBeTypeOf('object');
    check(manifest.exports['.']);
    for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) =>
      d.startsWith('@par/'),
    )) {
      expect(manifest.dependencies[dep]).toBe('workspace:^');
    }
  });
});

describe('changesets', () => {
  const files = readdirSync(new URL('../.changeset/', import.meta.url)).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  );
  const packages = new Set(
    readdirSync(new URL('../packages/', import.meta.url)).map((d) => `@par/${d}`),
  );

  it('there is at least one changeset', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('.changeset/%s has valid front matter naming real packages', (file) => {
    const text = read(`.changeset/${file}`);
    const match = /^---\n((?:"[^"]+": (?:major|minor|patch)\n)+)---\n\n?\S/.exec(text);
    expect(match, 'front matter of "<package>": <bump> lines between --- fences').not.toBeNull();
    for (const line of match?.[1]?.trim().split('\n') ?? []) {
      expect(packages).toContain(line.slice(1, line.indexOf('"', 1)));
    }
  });
});
