import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';

// #region config
// vite.config.js of a page that uses @par/threads' shared-memory primitives.
// SharedArrayBuffer exists only in cross-origin-isolated pages, so the dev
// server and the preview server both send the two isolation headers.
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const config = {
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' }, // pool workers are module workers
  // the dev server's dependency pre-bundling would hide the worker entry that
  // @par/threads starts with new URL('./worker.js', import.meta.url)
  optimizeDeps: { exclude: ['@par/threads'] },
};
export default config;
// #endregion config

// Check: a dev server started with this config serves a page with both headers.
const root = await mkdtemp(join(tmpdir(), 'par-vite-config-'));
await writeFile(join(root, 'index.html'), '<!doctype html><title>isolated</title>');
const server = await createServer({
  ...config,
  root,
  configFile: false,
  logLevel: 'silent',
  server: { ...config.server, host: '127.0.0.1', port: 0 },
});
try {
  await server.listen();
  const address = server.httpServer?.address();
  assert.ok(address && typeof address === 'object', 'the dev server listens');
  const response = await fetch(`http://127.0.0.1:${address.port}/`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp');
} finally {
  await server.close();
  await rm(root, { recursive: true, force: true });
}
