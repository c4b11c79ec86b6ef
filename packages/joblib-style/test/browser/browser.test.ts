// Runs @par/joblib-style in real headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core; no browser is downloaded). Vite builds the page
// under page/ with @par/threads' browser build, and `vite preview` serves it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@par/test-support/chromium';
import type { Browser } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationHeaders } from './vite.config.js';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));

let outDir: string;
let browser: Browser;
let server: PreviewServer;

beforeAll(async () => {
  // without Chromium this fails first, with a message that says how to install it
  browser = await launchChromium();
  outDir = await mkdtemp(join(tmpdir(), 'par-joblib-browser-'));
  await build({ configFile, build: { outDir }, logLevel: 'error' });
  server = await preview({
    configFile,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', headers: isolationHeaders, strictPort: false },
    logLevel: 'error',
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('Parallel in Chromium', () => {
  it('runs the threads backend on Web Workers, async and sequential in the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      const base = server.resolvedUrls?.local[0];
      if (!base) throw new Error('vite preview did not report its URL');
      await page.goto(new URL('/index.html', base).href);
      await page.waitForFunction(
        () => window.parResult !== undefined || window.parError !== undefined,
        undefined,
        { timeout: 60_000 },
      );
      const error = await page.evaluate(() => window.parError);
      expect(error, errors.join('\n')).toBeUndefined();
      const result = await page.evaluate(() => window.parResult);
      expect(result).toEqual({
        threadsBackend: 'threads',
        inline: [2, 4, 6, 8, 10, 12],
        squares: [1, 4, 9, 16],
        local: [11, 12, 13],
        sequential: [-1, -2, -3],
        processes:
          "RangeError: The 'processes' backend needs Node.js (child processes); use 'threads' in browsers",
        memory: expect.stringMatching(/^Error: Memory needs Node\.js/),
        memoryNull: 2,
      });
    } finally {
      await page.close();
    }
  }, 120_000);
});
