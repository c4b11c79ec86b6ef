// The demo's browser page. `pnpm --filter @par/demo web` serves it with the two
// headers that make a page cross-origin isolated, which SharedArrayBuffer (and so
// @par/threads' Lock) needs; `pnpm --filter @par/demo web:build` builds it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// PAR_DEMO_ISOLATION=0 serves the page without them, to see what works without shared memory
const headers = process.env.PAR_DEMO_ISOLATION === '0' ? {} : isolationHeaders;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  server: { headers },
  preview: { headers },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
  },
});
