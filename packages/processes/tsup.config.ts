import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// The child entry is its own bundle file: the parent starts it by URL
// (new URL('./process-entry.js', import.meta.url)), so it must sit next to index.js.
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/process-entry.ts'],
  platform: 'node',
});
