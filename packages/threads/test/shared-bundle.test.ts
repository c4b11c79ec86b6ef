// Each shared primitive registers its own decoder, so the modules of the shared
// primitives form no import cycle and an app that uses one primitive bundles
// only that one. Checked by bundling the package's module graph with esbuild
// (the bundler tsup runs on), with the other @par packages left external.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromSharedState } from '../src/shared/registry.js';

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}

const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;
const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

const primitives = [
  'Lock',
  'RLock',
  'Semaphore',
  'BoundedSemaphore',
  'Event',
  'Condition',
  'Barrier',
  'Value',
];

/** Bundles `import { <names> } from '@par/threads'` (from source) and returns the code. */
async function bundle(names: string[]): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents: `export { ${names.join(', ')} } from './index.ts';`,
      resolveDir: srcDir,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['@par/*', 'comlink'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

const classesIn = (code: string) =>
  primitives.filter((name) => new RegExp(`\\b(?:class ${name}\\b|var ${name} = class)`).test(code));

describe('shared primitives bundle on their own', () => {
  it('bundling Event alone brings no other primitive class', async () => {
    const code = await bundle(['Event']);
    expect(classesIn(code)).toEqual(['Event']);
  });

  it('bundling Semaphore brings Semaphore and BoundedSemaphore only', async () => {
    const code = await bundle(['Semaphore']);
    expect(classesIn(code)).toEqual(['Semaphore', 'BoundedSemaphore']);
  });

  it('Condition brings the locks it may wait with, and nothing else', async () => {
    const code = await bundle(['Condition']);
    expect(classesIn(code)).toEqual(['Lock', 'RLock', 'Condition']);
  });

  it('bundling every primitive brings all of them', async () => {
    const code = await bundle(primitives);
    expect(classesIn(code)).toEqual(primitives);
  });
});

describe('the decoder registry', () => {
  it('names the kind it has no decoder for', () => {
    expect(() => fromSharedState({ kind: 'Nope' } as never)).toThrow(
      /kind Nope: no decoder is registered/,
    );
  });
});
