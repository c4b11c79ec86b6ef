// The built site, checked as a reader meets it: every internal link and anchor resolves,
// local search finds the names a Python programmer types, and in headless Chromium
// (Debian's chromium through playwright-core) every page loads without console errors
// and does not scroll sideways at phone width.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from '@par/test-support/chromium';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES } from '../scripts/api-reference.js';

const run = promisify(execFile);
const docs = fileURLToPath(new URL('..', import.meta.url));

let outDir: string;

/** Every .html file of the build, as its URL path (clean URLs: no `.html`). */
function pages(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.html')) {
        const path = `/${file.slice(outDir.length + 1).replace(/\\/g, '/')}`
          .replace(/index\.html$/, '')
          .replace(/\.html$/, '');
        found.set(path, readFileSync(file, 'utf8'));
      }
    }
  };
  walk(outDir);
  return found;
}

/** The ids a page's HTML defines. */
const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'par-docs-site-'));
  const tsx = join(docs, '..', '..', 'node_modules', '.bin', 'tsx');
  await run(tsx, ['scripts/api-reference.ts'], { cwd: docs });
  const vitepress = join(docs, 'node_modules', '.bin', 'vitepress');
  await run(vitepress, ['build', '--outDir', outDir], { cwd: docs, maxBuffer: 64 * 2 ** 20 });
}, 600_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('links', () => {
  it('resolve to a page, and anchors to an id on it', () => {
    const site = pages();
    expect(site.has('/guide/from-python')).toBe(true);
    const broken: string[] = [];
    for (const [path, html] of site) {
      for (const m of html.matchAll(/<a [^>]*href="([^"]+)"/g)) {
        const href = (m[1] ?? '').replace(/&amp;/g, '&');
        if (/^[a-z]+:/i.test(href) || href.startsWith('//')) continue; // external
        const url = new URL(href, `http://site${path}`);
        const target = url.pathname.replace(/\.html$/, '');
        if (target.startsWith('/assets/') || extname(target) !== '') {
          if (!existsSync(join(outDir, target))) broken.push(`${path} → ${href}`);
          continue;
        }
        const page = site.get(target);
        if (page === undefined) {
          broken.push(`${path} → ${href}`);
          continue;
        }
        const hash = decodeURIComponent(url.hash.slice(1));
        if (hash !== '' && !ids(page).has(hash)) broken.push(`${path} → ${href} (no #${hash})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('local search', () => {
  type Hit = { id: string; score: number };
  let search: (query: string) => Hit[];

  beforeAll(async () => {
    const chunks = join(outDir, 'assets', 'chunks');
    const file = readdirSync(chunks).find((f) => f.startsWith('@localSearchIndexroot'));
    if (file === undefined) throw new Error('no local search index in the build');
    const mod = (await import(join(chunks, file))) as { default: string };
    // minisearch is VitePress's own dependency; load the index the way its search box does
    const fromVitepress = createRequire(
      realpathSync(join(docs, 'node_modules', 'vitepress', 'package.json')),
    );
    const { default: MiniSearch } = (await import(fromVitepress.resolve('minisearch'))) as {
      default: {
        loadJSON(json: string, options: object): { search(q: string): Hit[] };
      };
    };
    const index = MiniSearch.loadJSON(mod.default, {
      fields: ['title', 'titles', 'text'],
      storeFields: ['title', 'titles'],
      searchOptions: { fuzzy: 0.2, prefix: true, boost: { title: 4, text: 2, titles: 1 } },
    });
    search = (q) => index.search(q);
  });

  it.each([
    ['Parallel', /\/(guide\/(from-python|joblib-style)|api\/joblib-style)#/],
    ['delayed', /\/(guide\/(from-python|joblib-style)|api\/joblib-style)#/],
    ['n_jobs', /\/guide\/(from-python|troubleshooting|joblib-style)#/],
    ['as_completed', /\/guide\/from-python#/],
    ['Pool.map', /\/guide\/from-python#/],
    ['asyncio.run', /\/guide\/from-python#/],
    ['ClusterPool', /\/(guide\/(cluster|recipes)|api\/cluster)#/],
    ['par-worker', /\/(guide\/(cluster|recipes)|api\/cluster)#/],
    ['progress bar', /\/guide\/(recipes|joblib-style)#/],
    ['DataCloneError', /\/guide\/troubleshooting#notcloneableerror/],
    ['NotCloneableError', /\/guide\/troubleshooting#notcloneableerror/],
    ['TaskClosureError', /\/guide\/troubleshooting#taskclosureerror/],
    ['WorkerCrashedError', /\/guide\/troubleshooting#workercrashederror/],
    ['ParallelBusyError', /\/guide\/troubleshooting#parallelbusyerror/],
    ['InlineRemoteError', /\/guide\/troubleshooting#inlineremoteerror/],
    ['TaskNotAllowedError', /\/guide\/troubleshooting#tasknotallowederror/],
    ['PayloadTooLargeError', /\/guide\/troubleshooting#payloadtoolargeerror/],
    ['ConnectionLostError', /\/guide\/troubleshooting#connectionlosterror/],
    ['JobFailedError', /\/guide\/troubleshooting#jobfailederror/],
    ['BadJobError', /\/guide\/troubleshooting#badjoberror/],
  ])('finds %s among the first results', (query, where) => {
    const top = search(query)
      .slice(0, 10)
      .map((h) => h.id);
    expect(
      top.some((id) => where.test(id)),
      top.join('\n'),
    ).toBe(true);
  });

  it('finds every exported name on its API reference page', () => {
    const missing: string[] = [];
    for (const { dir } of PACKAGES) {
      const md = readFileSync(join(docs, 'api', `${dir}.md`), 'utf8');
      for (const m of md.matchAll(/^## (\S+) .*\{#(\S+)\}$/gm)) {
        const name = m[1] ?? '';
        const top = search(name)
          .slice(0, 20)
          .map((h) => h.id);
        if (!top.includes(`/api/${dir}#${name}`)) missing.push(`${dir}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('in Chromium', () => {
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.svg': 'image/svg+xml',
      '.woff2': 'font/woff2',
      '.json': 'application/json',
    };
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const candidates = [path, `${path}.html`, join(path, 'index.html')].map((p) =>
        join(outDir, p),
      );
      const file = candidates.find(
        (f) => f.startsWith(outDir) && existsSync(f) && statSync(f).isFile(),
      );
      if (file === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads every page with no console error and no sideways scrolling at 390 px', async () => {
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    for (const path of pages().keys()) {
      if (path === '/404') continue;
      errors.length = 0;
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      // the widest element outside a code block that sticks out of the viewport
      const wide = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const out: string[] = [];
        if (document.documentElement.scrollWidth > width)
          out.push(`page ${document.documentElement.scrollWidth}px`);
        for (const el of document.querySelectorAll('.vp-doc *')) {
          if (el.closest('div[class*="language-"]')) continue;
          const r = el.getBoundingClientRect();
          if (r.right > width + 1 && r.width > 0)
            out.push(`${el.tagName.toLowerCase()} ${el.textContent?.slice(0, 40)}`);
        }
        return out.slice(0, 3);
      });
      if (wide.length > 0) problems.push(`${path}: ${wide.join('; ')}`);
      if (errors.length > 0) problems.push(`${path}: ${errors.join('; ')}`);
    }
    await page.close();
    expect(problems).toEqual([]);
  }, 600_000);

  /** An element's text as a reader sees it: whitespace runs as one space. */
  const text = async (locator: Locator) =>
    ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  it('runs the live example on the @par/threads page: both timings, the right sums', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    let workers = 0;
    page.on('worker', () => {
      workers++;
    });
    try {
      await page.goto(`${base}/guide/threads`, { waitUntil: 'load' });
      // the page is served without COOP/COEP: no SharedArrayBuffer, and it must not matter
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
      await page.waitForSelector('.live-example[data-ready="true"]');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const result = page.locator('[data-testid="live-result"]');
      await page.waitForSelector(
        '[data-testid="live-result"][data-state="done"], [data-testid="live-result"][data-state="failed"]',
        { timeout: 300_000 },
      );
      expect(await result.getAttribute('data-state'), await text(result)).toBe('done');
      for (const run of ['single', 'parallel']) {
        const dd = result.locator(`dd[data-run="${run}"]`);
        // the primes below 2,000,000: 148,933 of them, summing to 142,913,828,922
        expect(await dd.getAttribute('data-count')).toBe('148933');
        expect(await dd.getAttribute('data-sum')).toBe('142913828922');
        expect(Number(await dd.getAttribute('data-ms'))).toBeGreaterThan(0);
        expect(await text(dd)).toMatch(/^\d+ ms: 148,933 primes, sum 142,913,828,922$/);
      }
      expect(await text(result)).toMatch(
        /(× faster|× slower|about as fast) on \d+ workers; the results are identical\./,
      );
      // the parallel run really used Web Workers (one per pool worker)
      expect(workers).toBeGreaterThanOrEqual(2);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 600_000);
});
