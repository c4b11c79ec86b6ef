import assert from 'node:assert/strict';

// vite.config.js of a page that uses @par/threads' shared-memory primitives.
// SharedArrayBuffer exists only in cross-origin-isolated pages, so the dev
// server and the preview server both send the two isolation headers.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default {
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' }, // pool workers are module workers
  // the dev server's dependency pre-bundling would hide the worker entry that
  // @par/threads starts with new URL('./worker.js', import.meta.url)
  optimizeDeps: { exclude: ['@par/threads'] },
};

assert.equal(crossOriginIsolation['Cross-Origin-Embedder-Policy'], 'require-corp');
