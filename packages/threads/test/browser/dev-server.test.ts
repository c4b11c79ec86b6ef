// Vite's dev server pre-bundles dependencies, which moves @par/threads away from
// its worker script. The browser guide says to exclude it from pre-bundling;
// this test installs the built packages into a scratch app (as npm would) and
// checks that advice in headless Chromium.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@par/test-support/chromium';
import type { Browser } from 'playwright-core';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationHeaders } from './vite.config.js';

const packages = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

let app: string;
let browser: Browser;

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head>
<body><script type="module" src="./main.js"></script></body></html>`;

const main = `import { Lock, sharedArray, ThreadPool } from '@par/threads';
const pool = new ThreadPool({ maxWorkers: 2 });
try {
  const doubled = await pool.map((n) => n * 2, [1, 2, 3]);
  const lock = new Lock();
  const counter = sharedArray(Int32Array, 1);
  const add = (l, c, n) => { for (let i = 0; i < n; i++) { l.acquire(); c[0] += 1; l.release(); } };
  await Promise.all([0, 1].map(() => pool.run(add, lock, counter, 100)));
  window.parResult = { doubled, counter: counter[0] };
} catch (error) {
  window.parResult = { error: error.name === 'BrokenPoolError' || error.code };
} finally {
  await pool.close();
}`;

async function run(exclude: boolean): Promise<unknown> {
  const server = await createServer({
    root: app,
    configFile: false,
    logLevel: 'silent',
    server: { port: 0, host: '127.0.0.1', headers: isolationHeaders },
    optimizeDeps: exclude ? { exclude: ['@par/threads'] } : {},
    worker: { format: 'es' },
  });
  await server.listen();
  const tab = await browser.newPage();
  try {
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite did not report its URL');
    await tab.goto(url);
    await tab.waitForFunction(() => window.parResult !== undefined, undefined, {
      timeout: 30_000,
    });
    return await tab.evaluate(() => window.parResult);
  } finally {
    await tab.close();
    await server.close();
  }
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'par-threads-vite-dev-'));
  for (const name of ['threads', 'core', 'async', 'queue']) {
    const target = join(app, 'node_modules', '@par', name);
    await mkdir(target, { recursive: true });
    await cp(join(packages, name, 'package.json'), join(target, 'package.json'));
    await cp(join(packages, name, 'dist'), join(target, 'dist'), { recursive: true });
  }
  const comlink = dirname(require.resolve('comlink/package.json'));
  await cp(comlink, join(app, 'node_modules', 'comlink'), { recursive: true, dereference: true });
  await writeFile(join(app, 'index.html'), page);
  await writeFile(join(app, 'main.js'), main);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (app) await rm(app, { recursive: true, force: true });
});

describe("Vite's dev server", () => {
  it('runs the pool when @par/threads is excluded from dependency pre-bundling', async () => {
    await expect(run(true)).resolves.toEqual({ doubled: [2, 4, 6], counter: 200 });
  });
});
