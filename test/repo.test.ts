// Repository-level checks: the README's Quick start and CI agree, and every public
// package has the published shape the architecture asks for.
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it.each(manifests)(
    'packages/$dir has a README, the license, a changelog and its repository folder',
    ({ dir, manifest }) => {
      expect(read(`packages/${dir}/README.md`)).toMatch(new RegExp(`^# @par/${dir}\\b`));
      expect(read(`packages/${dir}/LICENSE`)).toBe(read('LICENSE'));
      expect(manifest.license).toBe('MIT');
      expect(read(`packages/${dir}/CHANGELOG.md`)).toMatch(new RegExp(`^# @par/${dir}\\n`));
      expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
    },
  );

  it.each(manifests)('packages/$dir has the published shape', ({ dir, manifest }) => {
    expect(manifest.name).toBe(`@par/${dir}`);
    expect(manifest.type).toBe('module');
    // false, or only the built modules whose import registers something (a Parallel backend)
    if (Array.isArray(manifest.sideEffects)) {
      expect(manifest.sideEffects.length).toBeGreaterThan(0);
      for (const file of manifest.sideEffects) expect(file).toMatch(/^\.\/dist\/[^/]+\.js$/);
    } else {
      expect(manifest.sideEffects).toBe(false);
    }
    expect(manifest.files).toEqual(['dist']);
    expect(manifest.engines).toEqual({ node: '>=20.19' });
    // every conditions object that resolves to JavaScript files starts with `types`
    const check = (path: string, conditions: Record<string, unknown>) => {
      const keys = Object.keys(conditions);
      const files = Object.values(conditions).filter((v): v is string => typeof v === 'string');
      if (files.some((file) => file.endsWith('.js'))) {
        expect(keys[0], `exports["${path}"] must list \`types\` first`).toBe('types');
        expect(conditions.types).toMatch(/\.d\.ts$/);
      }
      for (const [key, value] of Object.entries(conditions)) {
        if (typeof value === 'object' && value !== null) {
          check(`${path}.${key}`, value as Record<string, unknown>);
        }
      }
    };
    expect(manifest.exports['.']).toBeTypeOf('object');
    for (const [path, target] of Object.entries(manifest.exports as Record<string, unknown>)) {
      if (typeof target === 'object' && target !== null) {
        check(path, target as Record<string, unknown>);
      } else {
        expect(target, `exports["${path}"] points at JavaScript without types`).not.toMatch(
          /\.js$/,
        );
      }
    }
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
    const match = /^---\n((?:(["'])[^"']+\2: (?:major|minor|patch)\n)+)---\n\n?\S/.exec(text);
    expect(match, 'front matter of "<package>": <bump> lines between --- fences').not.toBeNull();
    for (const line of match?.[1]?.trim().split('\n') ?? []) {
      expect(packages).toContain(line.slice(1, line.indexOf(line[0] as string, 1)));
    }
  });
});

/** Runs vitest on the project in test/fixtures/<name>: its exit code and output. */
function runFixture(name: string): Promise<{ code: number | null; output: string }> {
  const root = fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
  const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitest, 'run', '--root', root],
      { timeout: 120_000, env: { ...process.env, CI: 'true', NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        resolve({
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          output: `${stdout}\n${stderr}`,
        });
      },
    );
  });
}

describe('unhandled errors fail the test run', () => {
  const configs = [
    'vitest.shared.ts',
    'vitest.repo.config.ts',
    ...['packages', 'apps', 'tools'].flatMap((top) =>
      readdirSync(new URL(`../${top}/`, import.meta.url)).map(
        (dir) => `${top}/${dir}/vitest.config.ts`,
      ),
    ),
  ].filter((path) => existsSync(new URL(`../${path}`, import.meta.url)));

  it.each(configs)('%s does not ignore or filter unhandled errors', (path) => {
    const text = read(path);
    expect(text).not.toMatch(/dangerouslyIgnoreUnhandledErrors:\s*true/);
    expect(text).not.toMatch(/onUnhandledError/);
  });

  it('a test file that leaves a rejection unhandled fails the run although its assertions pass', async () => {
    const outcome = await runFixture('unhandled-rejection');
    expect(outcome.output).toMatch(/1 passed/);
    expect(outcome.output).toMatch(/Unhandled Rejection/);
    expect(outcome.output).toMatch(/left unhandled on purpose/);
    expect(outcome.code).toBe(1);
  }, 150_000);

  it('a pool test file that leaves a worker thread, a child process or a timer running fails, naming it', async () => {
    const outcome = await runFixture('leaks');
    // the report vitest prints for a failed file, up to the next one
    const report = (file: string) =>
      outcome.output.split(/FAIL\s+/).find((block) => block.startsWith(`test/${file}`)) ?? '';
    expect(report('leaves-a-worker.test.ts')).toMatch(
      /left \d+ thing\(s\) running after its tests:\s+worker thread running setInterval/,
    );
    expect(report('leaves-a-child.test.ts')).toMatch(/child process \d+: \S*node -e/);
    expect(report('leaves-a-timer.test.ts')).toMatch(/1 × Timeout/);
    expect(outcome.output).toMatch(/Test Files\s+3 failed \| 1 passed/);
    expect(outcome.code).toBe(1);
  }, 150_000);
});

describe('release', () => {
  it('`changeset version` works on a clean copy of the repository and fills every changelog', () => {
    const root = fileURLToPath(new URL('../', import.meta.url));
    const copy = mkdtempSync(join(tmpdir(), 'par-release-'));
    try {
      const files = execFileSync(
        'git',
        ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      )
        .split('\0')
        .filter((file) => file !== '' && existsSync(join(root, file)));
      for (const file of files) cpSync(join(root, file), join(copy, file), { recursive: true });
      symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'],
        {
          cwd: copy,
          stdio: 'pipe',
          env: { ...process.env, CI: 'true' },
        },
      );
      expect(readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md'))).toEqual([
        'README.md',
      ]);
      for (const dir of readdirSync(join(copy, 'packages'))) {
        const manifest = JSON.parse(
          readFileSync(join(copy, 'packages', dir, 'package.json'), 'utf8'),
        );
        if (manifest.private === true) continue;
        const changelog = readFileSync(join(copy, 'packages', dir, 'CHANGELOG.md'), 'utf8');
        expect(changelog, `packages/${dir}/CHANGELOG.md`).toContain(`## ${manifest.version}`);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
