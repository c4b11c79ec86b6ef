import assert from 'node:assert/strict';
import { RateLimiter, retry, throttle } from '@par/async';

// At most 2 calls start per 50 ms: the fifth call starts in the third window.
const limiter = new RateLimiter({ limit: 2, interval: 50 });
const t0 = Date.now();
const startedAfter = await Promise.all(
  [1, 2, 3, 4, 5].map(() => limiter.schedule(async () => Date.now() - t0)),
);
assert.ok((startedAfter[4] as number) >= 95, `started after ${startedAfter[4]} ms`);

// throttle() wraps a function with the same rule.
const search = throttle(async (q: string) => q.toUpperCase(), { limit: 10, interval: 1_000 });
assert.equal(await search('par'), 'PAR');

// retry: exponential backoff; fn gets the attempt number.
const answer = await retry(
  async (attempt) => {
    if (attempt < 3) throw new Error(`flaky (attempt ${attempt})`);
    return attempt;
  },
  { retries: 5, minTimeout: 5, factor: 2 },
);
assert.equal(answer, 3);

// shouldRetry can give up early; the original error is rethrown.
const fatal = await retry(
  async () => {
    throw new TypeError('bad input');
  },
  { retries: 5, minTimeout: 5, shouldRetry: (error) => !(error instanceof TypeError) },
).catch((e: unknown) => e);
assert.ok(fatal instanceof TypeError);
console.log('rate limit and retry ok');
