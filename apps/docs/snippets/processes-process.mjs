import assert from 'node:assert/strict';
import { EOFError, Pipe, Process, tasks } from '@par/processes';

const t = tasks(new URL('./processes-tasks.mjs', import.meta.url));

// multiprocessing.Process + Pipe: a child that answers over a pipe.
const [parentEnd, childEnd] = Pipe();
const child = new Process(t.greeter, { args: [childEnd] });
child.start();
childEnd.close(); // the child holds its own copy now, as in Python

parentEnd.send('Ada');
const reply = await parentEnd.recv();
assert.match(reply, /^hello, Ada \(from pid \d+\)$/);
console.log(reply);

parentEnd.close(); // the child's recv() now rejects with EOFError and it returns
assert.equal(await child.join(), 0);
assert.equal(child.exitCode, 0);
assert.equal(child.isAlive, false);

// kill() and terminate() end a child with a signal: exitCode is minus its number.
const stuck = new Process(() => new Promise(() => {})).start();
stuck.kill();
assert.equal(await stuck.join(), -9);

// After close() and everything sent, recv() rejects with EOFError.
const [a, b] = Pipe();
a.send('last words');
a.close();
assert.equal(await b.recv(), 'last words');
await assert.rejects(b.recv(), EOFError);
