import { Process, tasks } from '@par/processes';
import { Queue } from '@par/queue';
import { WatchedQueue } from '@par/test-support/pool-cases';
import { describe, expect, it } from 'vitest';
import { poolsForEachTest } from './helpers.js';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);
const p = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);

const open = poolsForEachTest(1);

describe('a Queue passed to a process task', () => {
  it('arrives in a pool task as a handle whose puts reach the owner in order', async () => {
    const pool = open();
    const queue = new Queue<number>();
    expect(await pool.run(t.useQueue, queue, [1, 2, 3])).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual([1, 2, 3]);
  });

  it("a child's get() waits for the owner's put(); taskDone() lets the owner's join() finish", async () => {
    const pool = open();
    const queue = new Queue<number>();
    const sum = pool.run(t.sumFromQueue, queue, 3);
    for (const n of [10, 20, 30]) await queue.put(n);
    expect(await sum).toBe(60);
    await queue.join();
    expect(queue.size).toBe(0);
  });

  it('puts the task did not await are not lost when it returns', async () => {
    const pool = open();
    const queue = new Queue<string>();
    expect(await pool.run(t.putWithoutWaiting, queue, ['a', 'b', 'c'])).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
  });

  it("raises errors that are instances of the task module's own @par/queue and @par/async classes", async () => {
    // the child's handle is @par/core's, bundled with its own copy of @par/queue
    const seen = await open().run(t.queueErrorsSeen, new Queue());
    expect(seen).toEqual([
      { queueEmpty: true, parError: true, timeoutError: false },
      { queueEmpty: true, parError: true, timeoutError: false },
    ]);
  });

  it('arrives in a Process as a handle owned by the parent', async () => {
    const queue = new Queue<string>();
    const child = new Process(p.fillQueue, { args: [queue, ['x', 'y']] }).start();
    expect(await child.join()).toBe(0);
    expect(queue.size).toBe(2);
    expect(await queue.get()).toBe('x');
    expect(await queue.get()).toBe('y');
  });
});

// the other cases of a withdrawn get run on both transports: @par/test-support/pool-cases
describe('a queue get of a process task the pool gave up (timeout, abort)', () => {
  it('is withdrawn on the owner at once for a task that cannot hear of it: an item put during the grace period stays in the queue', async () => {
    const pool = open({ gracePeriod: 60_000 });
    const jobs = new WatchedQueue<number>();
    const controller = new AbortController();
    const call = pool.run({ task: t.getThenSpin, args: [jobs], signal: controller.signal });
    await jobs.untilGets(1);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    jobs.putNowait(7);
    expect(jobs.size).toBe(1);
    expect(jobs.getNowait()).toBe(7);
    jobs.taskDone();
    await jobs.join();
  });
});
