// Runs @par/threads in real headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core; no browser is downloaded). Vite builds the pages under
// page/, and `vite preview` serves them: once with the cross-origin isolation
// headers that SharedArrayBuffer needs, once without.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@par/test-support/chromium';
import type { Browser, Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationHeaders } from './vite.config.js';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));

let outDir: string;
let browser: Browser;
let isolated: PreviewServer;
let plain: PreviewServer;

async function serve(headers: Record<string, string>): Promise<PreviewServer> {
  return preview({
    configFile,
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', headers, strictPort: false },
    logLevel: 'error',
  });
}

function urlOf(server: PreviewServer, path: string): string {
  const base = server.resolvedUrls?.local[0];
  if (!base) throw new Error('vite preview did not report its URL');
  return new URL(path, base).href;
}

/** Opens a page and waits for it to publish `window.parResult` (or `parError`). */
async function resultOf(page: Page, url: string): Promise<Record<string, unknown>> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(
    () => window.parResult !== undefined || window.parError !== undefined,
    undefined,
    {
      timeout: 30_000,
    },
  );
  const error = await page.evaluate(() => window.parError);
  if (error !== undefined) throw new Error(`the page failed: ${error}\n${errors.join('\n')}`);
  return (await page.evaluate(() => window.parResult)) as Record<string, unknown>;
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'par-threads-browser-'));
  await build({ configFile, build: { outDir }, logLevel: 'error' });
  isolated = await serve(isolationHeaders);
  plain = await serve({});
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('shared memory in Chromium', () => {
  it('keeps a Lock-protected counter exact across raw module Web Workers', async () => {
    const page = await browser.newPage();
    try {
      const result = await resultOf(page, urlOf(isolated, '/raw.html'));
      expect(result).toMatchObject({
        crossOriginIsolated: true,
        counter: 3 * 3 * 2000,
        workersBlock: [true, true, true],
        pageGetsPromises: true,
        pageAcquired: true,
        eventTimedOut: true,
      });
      const indexes = result.indexes as number[][];
      for (let round = 0; round < 3; round++) {
        expect(indexes.map((perWorker) => perWorker[round]).sort()).toEqual([0, 1, 2]);
      }
    } finally {
      await page.close();
    }
  });
});

describe('comlink in Chromium', () => {
  it('passes a Lock, shared memory and a queue to comlink-exposed module workers', async () => {
    const page = await browser.newPage();
    try {
      const result = await resultOf(page, urlOf(isolated, '/comlink.html'));
      expect(result).toEqual({
        names: ['Lock', 'Lock'],
        counter: 2000,
        taken: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      });
    } finally {
      await page.close();
    }
  });
});

describe('ThreadPool in Chromium', () => {
  it('runs map, task modules, transfer, queue handles, toThread and shared memory on an isolated page', async () => {
    const page = await browser.newPage();
    try {
      const result = await resultOf(page, urlOf(isolated, '/index.html'));
      expect(result).toEqual({
        crossOriginIsolated: true,
        inline: [2, 4, 6, 8, 10, 12, 14, 16],
        squares: [1, 4, 9, 16],
        checksum: 256,
        detached: true,
        queueTotal: 210,
        viaToThread: 5,
        crash: 'true PAR_WORKER_CRASHED true',
        afterCrash: 42,
        viaThread: 42,
        shared: { counter: 4000, arrivals: [0, 1] },
      });
    } finally {
      await page.close();
    }
  });

  it('runs the pool without shared memory on a page that is not cross-origin isolated', async () => {
    const page = await browser.newPage();
    try {
      const result = await resultOf(page, urlOf(plain, '/index.html'));
      expect(result).toMatchObject({
        crossOriginIsolated: false,
        inline: [2, 4, 6, 8, 10, 12, 14, 16],
        squares: [1, 4, 9, 16],
        queueTotal: 210,
        viaToThread: 5,
      });
      expect(result.lockError).toContain('Cross-Origin-Embedder-Policy: require-corp');
    } finally {
      await page.close();
    }
  });
});
