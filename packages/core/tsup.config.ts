import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// keepNames: error classes report their own name (ParError#name is the constructor's).
// dts.banner: the sources use the DOM's global `Transferable` type; the published
// declarations get a module-local stand-in instead, so they compile in a Node-only
// project (no lib "dom") as well as in browsers.
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/worker/index.ts', 'src/internal.ts', 'src/remote.ts'],
  keepNames: true,
  dts: {
    banner:
      '/** What may be moved instead of copied: ArrayBuffers, MessagePorts and the like. */\ntype Transferable = object;',
  },
});
