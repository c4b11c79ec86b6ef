import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// One dist/index.js for Node and browsers. It imports `#transport`, which stays
// an import in the build: package.json `imports` maps it to dist/transport.js
// (worker_threads) by default and to dist/browser/transport.js under the
// `browser` condition, so a browser bundle never reaches a Node built-in.
// Worker entries are started by URL, next to the transport that starts them:
// dist/worker.js (worker_threads) and dist/browser/worker.js (Web Workers).
export default defineConfig({
  ...baseConfig,
  entry: {
    index: 'src/index.ts',
    transport: 'src/transport.ts',
    worker: 'src/worker.ts',
    'browser/transport': 'src/browser/transport.ts',
    'browser/worker': 'src/browser/worker.ts',
  },
  external: ['#transport'],
  platform: 'node',
  // class names are part of error messages and of `constructor.name` checks
  keepNames: true,
});
