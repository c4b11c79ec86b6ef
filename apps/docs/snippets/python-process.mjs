import assert from 'node:assert/strict';
import { Process, tasks } from '@par/processes';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));

// Python:
//   p = multiprocessing.Process(target=greet, args=('bob', 3))
//   p.start(); p.join(); print(p.exitcode)
const p = new Process(t.greet, { args: ['bob', 3] });
p.start();
const exitCode = await p.join(); // resolves to the exit code (Python reads p.exitcode)
assert.equal(exitCode, 3);
assert.equal(p.exitCode, 3);
