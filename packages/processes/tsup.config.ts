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
    // One file with @par/core's worker runtime inside: a child resolves and loads
    // one module of ours instead of a graph of them, which is most of its start-up.
    // @par/async and @par/queue stay imports: their classes (QueueEmpty, ParError)
    // must be the ones the task module imports.
    noExternal: [/^@par\/core(\/|$)/],
  },
]);
