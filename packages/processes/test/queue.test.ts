import { Process, ProcessPool, TimeoutError, tasks } from '@par/processes';
import { Queue } from '@par/queue';
import { afterEach, describe, expect, it } from 'vitest';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);
const p = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);

const pools: ProcessPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.terminate()));
});

describe('a Queue passed to a process task', () => {
  it('arrives in a pool task as a handle whose puts reach the owner in order', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const queue = new Queue<number>();
    expect(await pool.run(t.useQueue, queue, [1, 2, 3])).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual([1, 2, 3]);
  });

  it("a child's get() waits for the owner's put(); taskDone() lets the owner's join() finish", async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const queue = new Queue<number>();
    const sum = pool.run(t.sumFromQueue, queue, 3);
    for (const n of [10, 20, 30]) await queue.put(n);
    expect(await sum).toBe(60);
    await queue.join();
    expect(queue.size).toBe(0);
  });

  it('puts the task did not await are not lost when it returns', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const queue = new Queue<string>();
    expect(await pool.run(t.putWithoutWaiting, queue, ['a', 'b', 'c'])).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
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

/** A Queue that lets a test wait until a child's get() has reached it. */
class WatchedQueue<T> extends Queue<T> {
  gets = 0;
  #waiters: (() => void)[] = [];

  override get(options?: { timeout?: number; signal?: AbortSignal }): Promise<T> {
    this.gets++;
    for (const wake of this.#waiters.splice(0)) wake();
    return super.get(options);
  }

  /** Resolves once `n` gets have reached the queue. */
  async untilGets(n: number): Promise<void> {
    while (this.gets < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('a queue get of a process task the pool gave up (timeout, abort)', () => {
  it('is withdrawn on the owner at once for a task that cannot hear of it: an item put during the grace period stays in the queue', async () => {
    const pool = new ProcessPool({ maxWorkers: 1, gracePeriod: 60_000 });
    pools.push(pool);
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

  it('is withdrawn on the owner when the call is aborted: items put in the same tick stay in the queue', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const jobs = new WatchedQueue<number>();
    const controller = new AbortController();
    const call = pool.run({ task: t.getOne, args: [jobs], signal: controller.signal });
    await jobs.untilGets(1);
    controller.abort(new Error('stop'));
    for (const i of range(100)) jobs.putNowait(i);
    await expect(call).rejects.toThrow('stop');
    expect(jobs.size).toBe(100);
    expect(await pool.run(t.sumFromQueue, jobs, 100)).toBe(4950);
    await jobs.join();
  });

  it('is withdrawn when a timeout rejects: items put by the rejection handler stay in the queue', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const jobs = new WatchedQueue<number>();
    await pool.run(t.square, 1); // the child is up and has loaded the task module
    const call = pool.run({ task: t.getOne, args: [jobs], timeout: 200 });
    const putOnTimeout = call.then(
      () => 'resolved',
      (error: unknown) => {
        for (const i of range(100)) jobs.putNowait(i);
        return error;
      },
    );
    await expect(putOnTimeout).resolves.toBeInstanceOf(TimeoutError);
    // a later call on the same child: everything the first one sent has arrived
    await pool.run(t.square, 1);
    expect(jobs.size).toBe(100);
    expect(await pool.run(t.sumFromQueue, jobs, 100)).toBe(4950);
    await jobs.join();
  });

  it('gives back an item handed to it in the same tick as the abort: the item returns to the front', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    pools.push(pool);
    const jobs = new WatchedQueue<number>();
    const controller = new AbortController();
    const call = pool.run({ task: t.getOne, args: [jobs], signal: controller.signal });
    await jobs.untilGets(1);
    jobs.putNowait(7); // handed to the waiting get at once
    jobs.putNowait(8);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    await pool.run(t.square, 1); // a round trip: the owner has handled the withdrawal
    expect([jobs.getNowait(), jobs.getNowait()]).toEqual([7, 8]);
    jobs.taskDone();
    jobs.taskDone();
    await jobs.join();
  });
});
