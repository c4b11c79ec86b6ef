import assert from 'node:assert/strict';
import { TimeoutError, timeout } from '@par/async';

// A deadline that rejects with a typed error, whatever the slow work does afterwards.
const slow = new Promise<string>((resolve) => setTimeout(() => resolve('late'), 1_000).unref());
const outcome = await timeout(20, slow).catch((error: unknown) => error);

assert.ok(outcome instanceof TimeoutError);
assert.equal(outcome.code, 'PAR_TIMEOUT');
console.log('timed out with', outcome.code);
