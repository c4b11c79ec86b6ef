import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { map, RateLimiter, retry, timeout } from '@par/async';

// A local site to crawl: 30 pages, one of which fails once (as flaky servers do).
let flaky = true;
let inFlight = 0;
let mostInFlight = 0;
const server = createServer((req, res) => {
  inFlight++;
  mostInFlight = Math.max(mostInFlight, inFlight);
  setTimeout(() => {
    inFlight--;
    if (req.url === '/page/7' && flaky) {
      flaky = false;
      res.writeHead(503).end();
    } else res.end(`<title>${req.url}</title>`);
  }, 5);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const urls = Array.from({ length: 30 }, (_, i) => `${base}/page/${i}`);

// at most 4 requests at once, at most 20 started per 100 ms, 2 s per request, 3 tries
const limiter = new RateLimiter({ limit: 20, interval: 100 });
const fetchTitle = (url: string) =>
  retry(
    () =>
      limiter.schedule(() =>
        timeout(2_000, async (signal) => {
          const res = await fetch(url, { signal });
          if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
          return /<title>(.*)<\/title>/.exec(await res.text())?.[1];
        }),
      ),
    { retries: 2, minTimeout: 10 },
  );

try {
  const titles = await map(urls, fetchTitle, { concurrency: 4 });
  assert.equal(titles.length, 30);
  assert.equal(titles[7], '/page/7'); // the 503 was retried
  assert.ok(mostInFlight <= 4, `${mostInFlight} requests at once`);
  console.log(`crawled ${titles.length} pages, at most ${mostInFlight} at once`);
} finally {
  server.close();
}
