import assert from 'node:assert/strict';
import { LifoQueue, PriorityQueue } from '@par/queue';

// Lowest first; arrays compare element by element like Python tuples,
// and equal priorities come out in the order they were put.
const jobs = new PriorityQueue<[priority: number, name: string]>();
jobs.putNowait([2, 'write docs']);
jobs.putNowait([1, 'fix the outage']);
jobs.putNowait([2, 'answer email']);
jobs.putNowait([3, 'clean up']);
const order: string[] = [];
while (!jobs.empty()) order.push((await jobs.get())[1]);
assert.deepEqual(order, ['fix the outage', 'answer email', 'write docs', 'clean up']);

// Or order objects with a compare function (here: highest score first).
const best = new PriorityQueue<{ score: number }>({ compare: (a, b) => b.score - a.score });
for (const score of [3, 9, 5]) best.putNowait({ score });
assert.equal(best.getNowait().score, 9);

// LifoQueue is a stack.
const stack = new LifoQueue<string>();
stack.putNowait('first');
stack.putNowait('second');
assert.equal(await stack.get(), 'second');
console.log(order.join(' > '));
