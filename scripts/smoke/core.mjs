// Smoke test of the installed @par/core tarball: typed task references and errors.
import assert from 'node:assert/strict';
import { ParError } from '@par/async';
import { isTaskRef, Pool, tasks, WorkerCrashedError } from '@par/core';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));
assert.ok(isTaskRef(t.square));
assert.equal(t.square.name, 'square');
assert.equal(typeof Pool, 'function');
assert.ok(WorkerCrashedError.prototype instanceof ParError);
console.log('@par/core smoke OK');
