// One dist/index.js serves Node and browsers. The only difference is its `#transport`
// import, which package.json `imports` maps to dist/transport.js (worker_threads) by
// default and to dist/browser/transport.js (module Web Workers) under the `browser`
// condition. Checked by bundling the built package for a browser with esbuild (the
// bundler tsup runs on), the way an application's bundler resolves it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { exports: string[] }>;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile: Metafile }>;
}

const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;
const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

let metafile: Metafile;

beforeAll(async () => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    outfile: 'browser-bundle.js',
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
}, 60_000);

describe('the package in a browser bundle', () => {
  it('gets the Web Worker transport for #transport, never the worker_threads one', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((path) => path.endsWith('/transport.js'))).toEqual([
      expect.stringMatching(/(^|\/)dist\/browser\/transport\.js$/),
    ]);
  });

  it('reaches no Node built-in module', () => {
    const builtins = Object.keys(metafile.inputs).filter((path) =>
      /^(node:|worker_threads$|child_process$|fs$)/.test(path),
    );
    expect(builtins).toEqual([]);
  });

  it('exports every name the package exports in Node, so isomorphic imports bundle', async () => {
    const node = Object.keys(await import('../../dist/index.js')).sort();
    const [output] = Object.values(metafile.outputs);
    expect(output?.exports.slice().sort()).toEqual(node);
  });
});
