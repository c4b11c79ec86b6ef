import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// Two builds. The child entry is its own bundle file: the parent starts it by URL
// (new URL('./process-entry.js', import.meta.url)), so it must sit next to index.js.
export default defineConfig([
  {
    ...baseConfig,
    // the child entry's files are written by the build below, at the same time
    clean: ['!process-entry.*'],
    platform: 'node',
  },
  {
    ...baseConfig,
    entry: ['src/process-entry.ts'],
    platform: 'node',
    clean: false,
    dts: false,
    splitting: false,
    // One file with @par/core's worker runtime, @par/async and @par/queue inside: a
    // child resolves and loads one module of ours instead of a graph of them, which
    // is most of its start-up. The classes a task may test with `instanceof`
    // (ParError and its subclasses, Queue, SimpleQueue, EOFError, Connection) are
    // branded, so those of this copy are instances of the task module's too.
    noExternal: [/^@par\//],
  },
]);
