import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base.js';

// keepNames: error classes report their own name (ParError#name is the constructor's).
export default defineConfig({
  ...baseConfig,
  entry: ['src/index.ts', 'src/worker/index.ts', 'src/internal.ts', 'src/remote.ts'],
  keepNames: true,
});
