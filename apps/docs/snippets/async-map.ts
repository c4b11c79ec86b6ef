import assert from 'node:assert/strict';
import { map, mapIter, sleep } from '@par/async';

// map: bounded concurrency, results in input order, lazy input (async iterables too).
async function* ids() {
  for (let i = 1; i <= 6; i++) yield i;
}
const squares = await map(ids(), async (n) => sleep(7 - n, n * n), { concurrency: 3 });
assert.deepEqual(squares, [1, 4, 9, 16, 25, 36]);

// stopOnError: false maps everything, then reports every failure at once.
const error = await map(
  [1, 2, 3, 4],
  async (n) => {
    if (n % 2 === 0) throw new Error(`bad ${n}`);
    return n;
  },
  { concurrency: 2, stopOnError: false },
).catch((e: unknown) => e);
assert.ok(error instanceof AggregateError);
assert.equal(error.errors.length, 2);

// mapIter streams results; `break` closes the input and stops reading it.
let read = 0;
function* endless() {
  for (let i = 0; ; i++) {
    read++;
    yield i;
  }
}
const firstFinished: number[] = [];
for await (const n of mapIter(endless(), async (i) => sleep(i % 3, i), {
  concurrency: 4,
  ordered: false,
})) {
  firstFinished.push(n);
  if (firstFinished.length === 5) break;
}
assert.equal(firstFinished.length, 5);
assert.ok(read <= 9, `read ${read} items`);
console.log('map ok; mapIter read', read, 'items');
