import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The headers that make a page cross-origin isolated (SharedArrayBuffer). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const page = fileURLToPath(new URL('./page/', import.meta.url));

export default defineConfig({
  root: page,
  logLevel: 'error',
  // resolve the packages as an application would: @par/threads' dist/index.js picks its
  // Web Worker transport through package.json `imports` (the `browser` condition)
  resolve: {
    alias: {
      '@par/joblib-style': fileURLToPath(new URL('../../dist/index.js', import.meta.url)),
      '@par/threads': fileURLToPath(
        new URL('../../node_modules/@par/threads/dist/index.js', import.meta.url),
      ),
    },
  },
  worker: { format: 'es' },
  build: {
    emptyOutDir: true,
    target: 'es2022',
  },
});
