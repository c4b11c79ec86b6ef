import assert from 'node:assert/strict';
import { gather, sleep, TaskGroup, TimeoutError, timeout } from '@par/async';
import { Queue } from '@par/queue';

// Python:
//   async def fetch(name, delay):
//       await asyncio.sleep(delay)
//       return name
//   async def main():
//       print(await asyncio.gather(fetch('a', 0.03), fetch('b', 0.01)))
//   asyncio.run(main())
// A module may await at top level: there is no asyncio.run(), the event loop is always there.
const fetchName = async (name: string, ms: number) => sleep(ms, name);
assert.deepEqual(await gather([fetchName('a', 30), fetchName('b', 10)]), ['a', 'b']);

// async with asyncio.TaskGroup() as tg: tg.create_task(...)
const tg = new TaskGroup();
const first = tg.spawn(() => fetchName('first', 5));
const second = tg.spawn(() => fetchName('second', 1));
await tg.wait(); // in TypeScript: `await using tg = new TaskGroup()` waits at the block's end
assert.deepEqual([await first, await second], ['first', 'second']);

// async with asyncio.timeout(0.02): ...  (milliseconds here; the work gets an AbortSignal)
const late = await timeout(20, (signal) => sleep(1_000, 'late', { signal })).catch((e) => e);
assert.ok(late instanceof TimeoutError);

// asyncio.Queue with a producer and a consumer
const queue = new Queue<number>({ maxsize: 2 });
const consumer = (async () => {
  let sum = 0;
  for await (const n of queue) sum += n; // ends once the queue is shut down and drained
  return sum;
})();
for (let n = 1; n <= 5; n++) await queue.put(n); // waits while 2 items are queued
queue.shutdown();
assert.equal(await consumer, 15);
console.log('asyncio patterns done');
