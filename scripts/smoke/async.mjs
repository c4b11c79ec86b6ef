// Smoke test of the installed @par/async tarball.
import assert from 'node:assert/strict';
import { ParError, TimeoutError, timeout } from '@par/async';

const err = await timeout(5, new Promise(() => {})).catch((e) => e);
assert.ok(err instanceof TimeoutError && err instanceof ParError);
assert.equal(err.code, 'PAR_TIMEOUT');
console.log('@par/async smoke OK');
