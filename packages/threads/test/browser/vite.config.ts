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
  // the built package, as an application gets it: dist/index.js, whose `#transport`
  // import Vite resolves through package.json `imports` with the `browser` condition
  resolve: {
    alias: {
      '@par/threads': fileURLToPath(new URL('../../dist/index.js', import.meta.url)),
    },
  },
  worker: { format: 'es' },
  build: {
    // the test passes a temporary outDir
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./page/index.html', import.meta.url)),
        raw: fileURLToPath(new URL('./page/raw.html', import.meta.url)),
        comlink: fileURLToPath(new URL('./page/comlink.html', import.meta.url)),
      },
    },
  },
});
