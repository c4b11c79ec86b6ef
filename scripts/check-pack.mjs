// Checks the published shape of every public package, the way a user receives it:
// pack with pnpm (workspace ranges become real versions), lint the tarballs with
// publint and arethetypeswrong, then install them with plain npm into a scratch
// project outside the workspace, run a smoke script against each package, and compile
// a TypeScript consumer against their published types in a Node-only setup.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packDir = join(root, '.pack');
rmSync(packDir, { recursive: true, force: true });

const run = (cmd, args, cwd) => {
  console.log(`$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`);
  execFileSync(cmd, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, npm_config_nodedir: undefined },
  });
};
// pnpm runs this script, so npm_execpath points at it; otherwise fall back to npx
const pnpm = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, process.env.npm_execpath]
  : ['npx', '-y', 'pnpm@10'];

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ manifest }) => manifest.private !== true);
if (packages.length === 0) throw new Error('No public package to check');

const tarballs = [];
for (const { dir, manifest } of packages) {
  const before = new Set(existsSync(packDir) ? readdirSync(packDir) : []);
  run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packDir], dir);
  const tarball = readdirSync(packDir).find((f) => !before.has(f));
  if (!tarball) throw new Error(`pnpm pack produced no tarball for ${manifest.name}`);
  const file = join(packDir, tarball);
  run(join(root, 'node_modules/.bin/publint'), ['run', file, '--strict']);
  run(join(root, 'node_modules/.bin/attw'), [
    file,
    '--profile',
    'esm-only',
    '--format',
    'table-flipped',
  ]);
  tarballs.push({ name: manifest.name, file, untypedDependency: untypedDependencyOf(manifest) });
}

/**
 * A dependency whose own declarations do not compile in a Node-only project with
 * skipLibCheck false, and why; such a package is left out of that check (it is still
 * type-checked, through the smoke scripts and the package's own build).
 */
function untypedDependencyOf(manifest) {
  const deps = manifest.dependencies ?? {};
  if (deps.comlink) return `comlink's types need lib "dom"`;
  if (deps.bullmq || deps.ioredis) return `ioredis's types import the untyped 'redis-errors'`;
  return undefined;
}

/**
 * Compiles a consumer of every package's published types as a Node-only project
 * would: lib ES2023 without DOM, types ["node"], skipLibCheck false (so the
 * packages' and their dependencies' declarations are checked too), once with
 * moduleResolution node16 and once with bundler.
 *
 * Not yet for packages whose declarations pull in a dependency's that fail there
 * (see untypedDependencyOf): comlink's .d.ts files use DOM-only names (Transferable,
 * MessagePort, EventListenerOrEventListenerObject), needed until @par/threads'
 * RemoteQueue no longer refers to comlink's `Remote` type; ioredis's (under
 * @par/cluster) import 'redis-errors', which ships no types.
 */
function checkNodeOnlyTypes(scratch, all) {
  const tarballs = all.filter((t) => t.untypedDependency === undefined);
  for (const t of all) {
    if (t.untypedDependency !== undefined)
      console.log(`Node-only type check: ${t.name} skipped (${t.untypedDependency})`);
  }
  const imports = tarballs.map((t, i) => `import * as p${i} from '${t.name}';`);
  writeFileSync(
    join(scratch, 'consumer.ts'),
    `${imports.join('\n')}\n\nexport const packages: object[] = [${tarballs.map((_, i) => `p${i}`).join(', ')}];\n`,
  );
  const base = {
    target: 'ES2022',
    lib: ['ES2023'],
    types: ['node'],
    // @types/node from the workspace: the scratch project installs only the tarballs
    typeRoots: [join(root, 'node_modules/@types')],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  };
  const setups = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    bundler: { module: 'esnext', moduleResolution: 'bundler' },
  };
  for (const [name, resolution] of Object.entries(setups)) {
    const config = `tsconfig.${name}.json`;
    writeFileSync(
      join(scratch, config),
      `${JSON.stringify({ compilerOptions: { ...base, ...resolution }, files: ['consumer.ts'] }, null, 2)}\n`,
    );
    run(join(root, 'node_modules/.bin/tsc'), ['-p', config], scratch);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'par-smoke-'));
try {
  writeFileSync(
    join(scratch, 'package.json'),
    `${JSON.stringify({ name: 'par-smoke', private: true, type: 'module' }, null, 2)}\n`,
  );
  // all tarballs in one install, so @par/* dependencies resolve to these tarballs, not the registry
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.map((t) => t.file)],
    scratch,
  );
  // smoke scripts and the task modules they share
  for (const file of readdirSync(join(root, 'scripts/smoke'))) {
    copyFileSync(join(root, 'scripts/smoke', file), join(scratch, file));
  }
  for (const { name } of tarballs) {
    const short = name.replace('@par/', '');
    if (!existsSync(join(scratch, `${short}.mjs`))) {
      throw new Error(`${name} has no smoke script at scripts/smoke/${short}.mjs`);
    }
    run(process.execPath, [`${short}.mjs`], scratch);
  }
  checkNodeOnlyTypes(scratch, tarballs);
  console.log(`published shape OK: ${tarballs.map((t) => t.name).join(', ')}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
