import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { limit, sleep } from '@par/async';

const limiter = limit(2);
let running = 0;
let peak = 0;
const download = async (url: string) => {
  running++;
  peak = Math.max(peak, running);
  await sleep(5);
  running--;
  return url.length;
};

const urls = [
  'https://a.example',
  'https://bb.example',
  'https://ccc.example',
  'https://d.example',
];
const sizes = await Promise.all(urls.map((url) => limiter(download, url)));
assert.deepEqual(sizes, [17, 18, 19, 17]);
assert.equal(peak, 2);

// limit.map is the same in one call; AsyncLocalStorage context reaches queued calls.
const requestId = new AsyncLocalStorage<string>();
const seen = await requestId.run('req-7', () =>
  limiter.map(urls, async () => requestId.getStore()),
);
assert.deepEqual(seen, ['req-7', 'req-7', 'req-7', 'req-7']);

// clearQueue() rejects what is still queued with an AbortError: nothing hangs.
const slow = limiter(() => sleep(20));
const alsoSlow = limiter(() => sleep(20));
const queued = limiter(() => sleep(1));
limiter.clearQueue();
const error = await queued.catch((e: unknown) => e);
assert.equal((error as Error).name, 'AbortError');
await Promise.all([slow, alsoSlow]);
console.log('limit ok, peak', peak);
