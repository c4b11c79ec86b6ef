import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// dist/worker.js is started by URL (new URL('./worker.js', import.meta.url)).
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/worker.ts'],
  platform: 'node',
});
