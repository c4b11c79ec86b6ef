import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// par-worker is its own entry (dist/bin.js, the package's bin).
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/bin.ts'],
  platform: 'node',
});
