import assert from 'node:assert/strict';
import { Barrier, Condition, Event, Lock, Semaphore, sleep, TimeoutError } from '@par/async';

// Lock: `using` releases at the end of the block, even on throw.
const lock = new Lock();
let balance = 100;
await Promise.all(
  [30, 50, 40].map(async (amount) => {
    using _held = await lock.acquire();
    const current = balance;
    await sleep(1); // a read-modify-write across an await needs the lock
    if (current >= amount) balance = current - amount;
  }),
);
assert.equal(balance, 20);

// Semaphore: at most 2 holders; an acquire with a timeout rejects TimeoutError.
const sem = new Semaphore(2);
const a = await sem.acquire();
const b = await sem.acquire();
const late = await sem.acquire({ timeout: 5 }).catch((e: unknown) => e);
assert.ok(late instanceof TimeoutError);
a.release();
b.release();

// Event: wait() resolves true once set, false when its timeout passes first.
const ready = new Event();
assert.equal(await ready.wait({ timeout: 5 }), false);
setTimeout(() => ready.set(), 5);
assert.equal(await ready.wait({ timeout: 1_000 }), true);

// Condition: wait for a predicate while holding the lock.
const cond = new Condition();
const items: string[] = [];
const consumer = (async () => {
  using _held = await cond.acquire();
  await cond.waitFor(() => items.length > 0);
  return items.shift();
})();
await sleep(1);
{
  using _held = await cond.acquire();
  items.push('job-1');
  cond.notify();
}
assert.equal(await consumer, 'job-1');

// Barrier: everybody passes together, each with a distinct arrival index.
const barrier = new Barrier(3);
const indexes = await Promise.all([1, 2, 3].map(() => barrier.wait()));
assert.deepEqual([...indexes].sort(), [0, 1, 2]);
console.log('primitives ok');
