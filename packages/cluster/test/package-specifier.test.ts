import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorker, TaskNotAllowedError, taskRef, tasks } from '@par/cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterForFile } from './helpers.js';

// A code root with a package in its node_modules: `my-tasks` exports "./tasks" with
// an "import" and a "require" file, so the worker's resolution shows which it took.
let dir: string;
let root: URL;

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'par-cluster-pkg-'));
  root = pathToFileURL(`${dir}/app/`);
  write(
    'app/node_modules/my-tasks/package.json',
    JSON.stringify({
      name: 'my-tasks',
      type: 'module',
      exports: {
        './tasks': { import: './esm/tasks.js', require: './cjs/tasks.cjs' },
        './lib/*': './lib/*.js',
      },
    }),
  );
  write('app/node_modules/my-tasks/esm/tasks.js', "export const flavour = () => 'esm';\n");
  write('app/node_modules/my-tasks/cjs/tasks.cjs', "exports.flavour = () => 'cjs';\n");
  write('app/node_modules/my-tasks/lib/math.js', 'export const double = (x) => 2 * x;\n');
  write('app/local.mjs', 'export const triple = (x) => 3 * x;\n');
});

// after the pool and the worker are closed (hooks after the tests run last first)
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const cluster = clusterForFile('pkg', () => ({
  root,
  allow: ['my-tasks/tasks', 'my-tasks/lib/math', 'local.mjs'],
  threads: 1,
}));

describe('package specifiers as task modules', () => {
  it('resolves a specifier on the worker from its root, with the "import" condition', async () => {
    expect(cluster.worker.allow).toEqual(['my-tasks/tasks', 'my-tasks/lib/math', 'local.mjs']);
    expect(cluster.worker.packages.get('my-tasks/tasks')).toBe(
      pathToFileURL(join(dir, 'app/node_modules/my-tasks/esm/tasks.js')).href,
    );
    const pkg = tasks<{ flavour: () => string }>('my-tasks/tasks');
    expect(pkg.flavour).toEqual({ module: 'my-tasks/tasks', name: 'flavour' });
    expect(await cluster.pool.run(pkg.flavour)).toBe('esm');
  });

  it('follows subpath patterns of exports, and serves paths relative to the root beside them', async () => {
    const math = taskRef<[number], number>('my-tasks/lib/math', 'double');
    expect(await cluster.pool.run(math, 21)).toBe(42);
    expect(await cluster.pool.map(math, [1, 2, 3])).toEqual([2, 4, 6]);
    const local = tasks<{ triple: (x: number) => number }>(new URL('local.mjs', root));
    expect(await cluster.pool.run(local.triple, 3)).toBe(9);
  });

  it('rejects a specifier the worker does not serve, naming it and the allowed modules', async () => {
    const unknown = tasks<{ any: () => unknown }>('other-pkg/tasks');
    const error = await cluster.pool.run(unknown.any).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotAllowedError);
    expect(error).toMatchObject({
      code: 'PAR_TASK_NOT_ALLOWED',
      module: 'other-pkg/tasks',
      allowed: ['my-tasks/tasks', 'my-tasks/lib/math', 'local.mjs'],
    });
    expect((error as Error).message).toContain('"other-pkg/tasks"');
    expect((error as Error).message).toContain(
      '"my-tasks/tasks", "my-tasks/lib/math", "local.mjs"',
    );
    // a path that looks like an allowed specifier is still a path: not served
    const error2 = await cluster.pool
      .run(tasks<{ flavour: () => string }>(new URL('my-tasks/tasks', root)).flavour)
      .catch((e: unknown) => e);
    expect(error2).toBeInstanceOf(TaskNotAllowedError);
  });

  it('refuses at start an allow entry that is neither a path inside root nor a package', async () => {
    await expect(
      startWorker({ connection: cluster.redis.url, queue: 'pkg', root, allow: ['../outside.js'] }),
    ).rejects.toThrow(/allow/);
    // an installed package that does not provide the module: a misconfiguration
    await expect(
      startWorker({
        connection: cluster.redis.url,
        queue: 'pkg',
        root,
        allow: ['my-tasks/missing'],
      }),
    ).rejects.toThrow(/`allow`.*my-tasks\/missing.*does not export "\.\/missing"/);
  });
});
