import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ClusterPool, clusterBackend, InlineRemoteError } from '@par/cluster';
import { delayed, Parallel } from '@par/joblib-style';
import { describe, expect, it } from 'vitest';
import { clusterForFile, root, t } from './helpers.js';

const cluster = clusterForFile('joblib');

describe("the 'cluster' Parallel backend", () => {
  it('runs a batch of delayed calls in order, the same results as running them one by one', async () => {
    const backend = clusterBackend({
      nJobs: 2,
      connection: cluster.redis.url,
      queue: 'joblib',
      root,
    });
    const pool = new ClusterPool({ connection: cluster.redis.url, queue: 'joblib', root });
    try {
      expect(backend).toMatchObject({ name: 'cluster', nJobs: 2 });
      const batch = [
        { fn: t.square, args: [2] },
        { fn: t.square, args: [3] },
        { fn: t.add, args: [1, 2] },
        { fn: t.square, args: [4] },
      ];
      const results = await backend.runBatch(batch, { signal: new AbortController().signal });
      const oneByOne = [];
      for (const c of batch) oneByOne.push(await pool.run(c.fn as never, ...(c.args as never[])));
      expect(results).toEqual([4, 9, 3, 16]);
      expect(results).toEqual(oneByOne);
    } finally {
      await backend.close();
      await pool.close();
    }
  });

  it('rejects the batch with the first failure (original class and message)', async () => {
    const backend = clusterBackend({
      nJobs: 2,
      connection: cluster.redis.url,
      queue: 'joblib',
      root,
    });
    try {
      const error = await backend
        .runBatch(
          [
            { fn: t.square, args: [2] },
            { fn: t.fail, args: ['nope'] },
          ],
          { signal: new AbortController().signal },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ message: 'nope', code: 'E_FIXTURE' });
      const inline = await backend
        .runBatch([{ fn: (n: number) => n, args: [1] }], { signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(inline).toBeInstanceOf(InlineRemoteError);
    } finally {
      await backend.close();
    }
  });
});

describe("Parallel({ backend: 'cluster' })", () => {
  it('is registered by importing @par/cluster and gives the same results as the threads backend', async () => {
    const calls = () => [1, 2, 3, 4, 5, 6, 7].map((x) => delayed(t.square)(x));
    const onCluster = await Parallel({
      backend: 'cluster',
      nJobs: 2,
      connection: cluster.redis.url,
      queue: 'joblib',
      root,
    })(calls());
    // an instance, not the one-shot form: its threads end with it, not with the process
    const threads = new Parallel({ backend: 'threads', nJobs: 2 });
    let onThreads: unknown;
    try {
      onThreads = await threads(calls());
    } finally {
      await threads[Symbol.asyncDispose]();
    }
    expect(onCluster).toEqual([1, 4, 9, 16, 25, 36, 49]);
    expect(onCluster).toEqual(onThreads);
  });
});

/** The part of esbuild's API the bundling test uses. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { text: string }[];
    warnings: { text: string }[];
  }>;
}

describe('a bundled program', () => {
  it("keeps a bare import '@par/cluster', so the 'cluster' backend and the error classes are still registered", async () => {
    // esbuild, as tsup (this repository's build) brings it: it honours package.json's
    // sideEffects the way bundlers do, and drops an import of a module marked free of them
    const require = createRequire(import.meta.url);
    const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
    const pkg = require('../package.json') as { dependencies: Record<string, string> };
    const out = await esbuild.build({
      stdin: {
        contents: "import '@par/cluster';",
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        loader: 'js',
      },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      // only @par/cluster's own modules are bundled
      external: Object.keys(pkg.dependencies),
      logLevel: 'silent',
    });
    const bundle = out.outputFiles[0]?.text ?? '';
    expect(out.warnings.map((w) => w.text)).toEqual([]);
    expect(bundle).toMatch(/registerBackend\("cluster"/);
    expect(bundle).toMatch(/registerErrorClass\("PAR_TASK_NOT_ALLOWED"/);
  });
});
