import type { Options } from 'tsup';

/**
 * The one build config every package shares. A package's own `tsup.config.ts`
 * spreads it and, at most, adds entries (worker entry files are separate
 * bundle entries so they can be started by URL).
 */
export const baseConfig = {
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  // error classes report `name` from the constructor; keep them even in an app's minified bundle
  keepNames: true,
} satisfies Options;
