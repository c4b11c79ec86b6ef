import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// Two builds. The child entry is its own bundle file, started by a small boot file
// that runs it with V8's code cache (code-cache.ts): the parent starts the boot file
// by URL (new URL('./process-boot.cjs', import.meta.url)), so both sit next to index.js.
export default defineConfig([
  {
    ...baseConfig,
    // the child entry's files are written by the build below, at the same time
    clean: ['!process-entry.*', '!process-boot.*'],
    platform: 'node',
  },
  {
    ...baseConfig,
    entry: ['src/process-entry.ts', 'src/process-boot.ts'],
    platform: 'node',
    clean: false,
    dts: false,
    splitting: false,
    // CommonJS: Node starts a CommonJS main file without its ES module loader (resolving
    // and reading through fs/promises, a namespace object for every built-in imported),
    // a few milliseconds of every child's start-up. The loader starts only if a task
    // module needs it (task-loader.ts loads ES task modules with require() where it can).
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    // `import.meta.url` of the sources, as the bundle's own file URL
    shims: true,
    // One file with @par/core's worker runtime, @par/async and @par/queue inside: a
    // child resolves and loads one module of ours instead of a graph of them, which
    // is most of its start-up. The classes a task may test with `instanceof`
    // (ParError and its subclasses, Queue, SimpleQueue, EOFError, Connection) are
    // branded, so those of this copy are instances of the task module's too.
    noExternal: [/^@par\//],
    // From the packages' sources, not their built files: esbuild then leaves out
    // what the child never uses (most of @par/async, the engine's chunks), a third
    // of the file. A built file's `__name(…)` calls keep every class in it alive.
    esbuildOptions(options) {
      options.alias = {
        '@par/async/internal': source('async/src/internal.ts'),
        '@par/async': source('async/src/index.ts'),
        '@par/queue/internal': source('queue/src/internal.ts'),
        '@par/queue': source('queue/src/index.ts'),
        '@par/core/worker': source('core/src/worker/index.ts'),
        '@par/core/remote': source('core/src/remote.ts'),
        '@par/core': source('core/src/index.ts'),
      };
    },
  },
]);

/** A file of a sibling package's sources. */
function source(path: string): string {
  return fileURLToPath(new URL(`../${path}`, import.meta.url));
}
