import assert from 'node:assert/strict';
import { shield, sleep, TimeoutError, timeout } from '@par/async';

// The function gets a signal that aborts at the deadline, so it can stop its own work.
let sawAbort = false;
const outcome = await timeout(20, async (signal) => {
  signal.addEventListener('abort', () => {
    sawAbort = true;
  });
  return sleep(1_000, 'too late', { signal });
}).catch((e: unknown) => e);
assert.ok(outcome instanceof TimeoutError);
assert.ok(sawAbort);

// shield(): the caller stops waiting, the work itself runs to the end.
let saved = false;
const save = shield(async () => {
  await sleep(30);
  saved = true;
});
await timeout(5, save).catch(() => {});
await save;
assert.ok(saved);
console.log('timeout and shield ok');
