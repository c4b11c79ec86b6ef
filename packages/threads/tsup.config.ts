import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// dist/worker.js is started by URL (new URL('./worker.js', import.meta.url)).
// The browser build (the "browser" export condition) starts dist/browser/worker.js
// from dist/browser/index.js the same way, so both keep their paths.
export default defineConfig({
  ...baseConfig,
  entry: {
    index: 'src/index.ts',
    worker: 'src/worker.ts',
    'browser/index': 'src/browser/index.ts',
    'browser/worker': 'src/browser/worker.ts',
  },
  platform: 'node',
  // class names are part of error messages and of `constructor.name` checks
  keepNames: true,
});
