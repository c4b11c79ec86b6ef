import assert from 'node:assert/strict';
import { Queue, QueueEmpty, QueueFull } from '@par/queue';

// A bounded queue pushes back on a fast producer: put() waits while it is full.
const queue = new Queue<number>({ maxsize: 2 });
await queue.put(1);
await queue.put(2);
assert.ok(queue.full());

// Without a consumer, a third put gives up after its timeout...
const late = await queue.put(3, { timeout: 10 }).catch((error: unknown) => error);
assert.ok(late instanceof QueueFull);
// ...and putNowait refuses at once.
assert.throws(() => queue.putNowait(3), QueueFull);

// A waiting put goes in as soon as a get makes room.
const waiting = queue.put(3);
assert.equal(await queue.get(), 1);
await waiting;
assert.deepEqual([queue.getNowait(), queue.getNowait()], [2, 3]);

// get waits on an empty queue; an AbortSignal or a timeout stops it.
const controller = new AbortController();
setTimeout(() => controller.abort(new Error('no more waiting')), 5);
const stopped = await queue.get({ signal: controller.signal }).catch((error: Error) => error);
assert.equal((stopped as Error).message, 'no more waiting');
assert.ok((await queue.get({ timeout: 5 }).catch((error: unknown) => error)) instanceof QueueEmpty);
console.log('backpressure, timeouts and aborts behave');
