// Checks the published shape of every public package, the way a user receives it:
// pack with pnpm (workspace ranges become real versions), lint the tarballs with
// publint and arethetypeswrong, then install them with plain npm into a scratch
// project outside the workspace and use them from every kind of consumer:
// an ESM smoke script per package (scripts/smoke), a CommonJS script loading them
// with require(), a TypeScript project in a Node-only setup (node16 and bundler
// resolution) and a Vite browser bundle that must build and serve without warnings
// (scripts/consumers).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
  tarballs.push({ name: manifest.name, file });
}

/** Fails unless the consumer file `file` (in scripts/consumers) names every package. */
function assertCoversEveryPackage(file, all) {
  const text = readFileSync(join(root, 'scripts/consumers', file), 'utf8');
  const missing = all.filter((t) => !text.includes(`'${t.name}'`)).map((t) => t.name);
  if (missing.length > 0) {
    throw new Error(`scripts/consumers/${file} does not use ${missing.join(', ')}`);
  }
}

/**
 * Compiles scripts/consumers/typescript.ts against every package's published types
 * as a Node-only project would: lib ES2023 without DOM, types ["node"], skipLibCheck
 * false (so the packages' and their dependencies' declarations are checked too),
 * once with moduleResolution node16 and once with bundler.
 *
 * redis-errors.d.ts (one `declare module` line) is the only help the project gets:
 * ioredis' own declarations, which @par/cluster's `RedisOptions` brings in, import
 * the untyped 'redis-errors' (TS7016 "Could not find a declaration file for module
 * 'redis-errors'"), which every strict ioredis user without skipLibCheck meets.
 */
function checkNodeOnlyTypes(scratch) {
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
    const project = {
      compilerOptions: { ...base, ...resolution },
      files: ['typescript.ts', 'redis-errors.d.ts'],
    };
    writeFileSync(join(scratch, config), `${JSON.stringify(project, null, 2)}\n`);
    run(join(root, 'node_modules/.bin/tsc'), ['-p', config], scratch);
  }
}

/**
 * Bundles scripts/consumers/vite (a page using @par/threads' browser build and
 * @par/joblib-style) with Vite, built and served, failing on any warning. Vite is the
 * workspace's (a devDependency of @par/threads); the page resolves the tarballs.
 */
function checkViteBundle(scratch) {
  const vite = realpathSync(join(root, 'packages/threads/node_modules/vite'));
  const { exports } = JSON.parse(readFileSync(join(vite, 'package.json'), 'utf8'));
  const entry = typeof exports['.'] === 'string' ? exports['.'] : exports['.'].import;
  run(
    process.execPath,
    ['vite/check.mjs', pathToFileURL(join(vite, entry)).href, join(scratch, 'vite-dist')],
    scratch,
  );
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
  // the consumers: CommonJS, TypeScript (node16, bundler) and a Vite browser bundle
  cpSync(join(root, 'scripts/consumers'), scratch, { recursive: true });
  assertCoversEveryPackage('require.cjs', tarballs);
  assertCoversEveryPackage('typescript.ts', tarballs);
  run(process.execPath, ['require.cjs'], scratch);
  checkNodeOnlyTypes(scratch);
  checkViteBundle(scratch);
  console.log(`published shape OK: ${tarballs.map((t) => t.name).join(', ')}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
