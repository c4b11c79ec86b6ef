// The demo's browser page, built with Vite and opened in Debian's headless Chromium
// (playwright-core; no browser download), served with and without the cross-origin
// isolation headers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const configFile = fileURLToPath(new URL('../web/vite.config.mjs', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const servers: PreviewServer[] = [];

async function openDemo(isolated: boolean): Promise<Record<string, unknown>> {
  // read by web/vite.config.mjs, which vite loads afresh for each server
  process.env.PAR_DEMO_ISOLATION = isolated ? '1' : '0';
  const server = await preview({
    configFile,
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  servers.push(server);
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview reported no URL');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => (window as { demoResult?: unknown }).demoResult !== undefined,
      undefined,
      { timeout: 60_000 },
    );
    return (await page.evaluate(() => (window as { demoResult?: unknown }).demoResult)) as Record<
      string,
      unknown
    >;
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  if (!existsSync(executablePath))
    throw new Error(
      `No Chromium at ${executablePath}. The demo page is tested in real headless Chromium and no browser is downloaded: install Debian's package with \`sudo apt-get install -y chromium\` (\`bash .ci/run\` installs it when it runs as root), or point CHROMIUM_PATH at a Chromium binary.`,
    );
  await build({ configFile, logLevel: 'error' });
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('demo page', () => {
  it('maps over Web Workers and keeps a Lock-protected counter exact on an isolated page', async () => {
    const result = await openDemo(true);
    expect(result).toEqual({
      squares: [1, 4, 9, 16, 25, 36, 49, 64],
      primes: [1229, 2262, 3245, 4203],
      counter: 10_000,
    });
  }, 120_000);

  it('still maps on a page without isolation, and says shared memory is unavailable', async () => {
    const result = await openDemo(false);
    expect(result).toEqual({
      squares: [1, 4, 9, 16, 25, 36, 49, 64],
      primes: [1229, 2262, 3245, 4203],
    });
  }, 120_000);
});
