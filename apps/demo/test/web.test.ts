// The demo's browser page, built with Vite and opened in Debian's headless Chromium
// (playwright-core; no browser download), served with and without the cross-origin
// isolation headers.
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@par/test-support/chromium';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const configFile = fileURLToPath(new URL('../web/vite.config.mjs', import.meta.url));
const servers: PreviewServer[] = [];

interface Notes {
  failed: number;
  info: number;
  infoText?: string;
}

async function openDemo(
  isolated: boolean,
): Promise<{ result: Record<string, unknown>; notes: Notes }> {
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
  // without Chromium this fails with a message that says how to install it
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => (window as { demoResult?: unknown }).demoResult !== undefined,
      undefined,
      { timeout: 60_000 },
    );
    const result = (await page.evaluate(
      () => (window as { demoResult?: unknown }).demoResult,
    )) as Record<string, unknown>;
    const notes = await page.evaluate(() => {
      const info = [...document.querySelectorAll('#log li.info')];
      return {
        failed: document.querySelectorAll('#log li.fail').length,
        info: info.length,
        ...(info.length > 0 ? { infoText: info.map((li) => li.textContent).join('\n') } : {}),
      };
    });
    return { result, notes };
  } finally {
    await browser.close();
  }
}

beforeAll(async () => {
  await build({ configFile, logLevel: 'error' });
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

// both renders finished, and the pool's pixels equal the single-threaded ones
const mandelbrot = {
  width: 640,
  height: 400,
  bands: 40,
  equal: true,
  singleMs: expect.any(Number),
  parallelMs: expect.any(Number),
};

describe('demo page', () => {
  it('renders the Mandelbrot set on one thread and on Web Workers with the same pixels, maps, and keeps a Lock-protected counter exact on an isolated page', async () => {
    const { result, notes } = await openDemo(true);
    expect(result).toEqual({
      mandelbrot,
      squares: [1, 4, 9, 16, 25, 36, 49, 64],
      primes: [1229, 2262, 3245, 4203],
      counter: 10_000,
    });
    expect(notes).toEqual({ failed: 0, info: 0 });
  }, 120_000);

  it('does all but shared memory on a page without isolation, and explains what is missing instead of failing', async () => {
    const { result, notes } = await openDemo(false);
    expect(result).toEqual({
      mandelbrot,
      squares: [1, 4, 9, 16, 25, 36, 49, 64],
      primes: [1229, 2262, 3245, 4203],
    });
    expect(notes.failed).toBe(0);
    expect(notes.info).toBe(1);
    expect(notes.infoText).toContain('Cross-Origin-Embedder-Policy: require-corp');
  }, 120_000);
});
