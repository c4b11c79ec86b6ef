import { Queue } from '@par/queue';
import { type TransportTasks, transportTasksUrl, WatchedQueue } from '@par/test-support/pool-cases';
import { ThreadPool, tasks } from '@par/threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { latch, release } from './pool-helpers.js';

type Tasks = typeof import('./fixtures/shared-queue-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/shared-queue-tasks.mjs', import.meta.url));
// consumeN: the task the cases every transport passes use too
const shared = tasks<TransportTasks>(transportTasksUrl);
const pool = new ThreadPool({ maxWorkers: 2, concurrentTasksPerWorker: 4 });

afterAll(() => pool.terminate());

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('a Queue passed to ThreadPool tasks', () => {
  it('arrives as an async QueueHandle that reads the owner’s state', async () => {
    const queue = new Queue<number>({ maxsize: 3 });
    queue.putNowait(1);
    await expect(pool.run(t.inspect, queue)).resolves.toEqual({
      isHandle: true,
      size: 1,
      empty: false,
      full: false,
      maxsize: 3,
    });
  });

  it('feeds tasks queued by the main thread to several worker consumers; join() resolves when all are done', async () => {
    const jobs = new Queue<number>();
    for (const n of range(0, 40)) jobs.putNowait(n);
    const consumers = [10, 10, 10, 10].map((n) => pool.run(shared.consumeN, jobs, n));
    await jobs.join();
    const seen = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(seen).toEqual(range(0, 40));
  });

  it('loses and duplicates nothing with several producer and consumer tasks on a bounded queue', async () => {
    const queue = new Queue<number>({ maxsize: 4 });
    const consumers = [0, 1, 2].map(() => pool.run(t.consumeAll, queue));
    const producers = [range(0, 50), range(50, 100), range(100, 150)].map((items) =>
      pool.run(t.produce, queue, items),
    );
    await expect(Promise.all(producers)).resolves.toEqual([50, 50, 50]);
    await queue.join();
    queue.shutdown();
    const seen = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(seen).toEqual(range(0, 150));
  });

  it('keeps one producer task’s items in order', async () => {
    const queue = new Queue<number>({ maxsize: 2 });
    const producing = pool.run(t.produce, queue, range(0, 30));
    const got: number[] = [];
    for (let i = 0; i < 30; i++) got.push(await queue.get());
    await producing;
    expect(got).toEqual(range(0, 30));
  });

  it('delivers calls made without await before the task returned', async () => {
    const queue = new Queue<number>();
    await expect(pool.run(t.fireAndForget, queue, [1, 2, 3])).resolves.toBe(true);
    expect(queue.size).toBe(3);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([1, 2, 3]);
  });

  it('works with @par/queue consume() inside the task', async () => {
    const jobs = new Queue<number>();
    const results = new Queue<number>();
    for (const n of range(0, 10)) jobs.putNowait(n);
    const worker = pool.run(t.consumeWith, jobs, results);
    await jobs.join();
    jobs.shutdown();
    await expect(worker).resolves.toBe(true);
    const out: number[] = [];
    while (!results.empty()) out.push(results.getNowait());
    expect(out.sort((a, b) => a - b)).toEqual(range(100, 110));
  });

  it('connects two queues through a pipeline of tasks', async () => {
    const jobs = new Queue<number>();
    const results = new Queue<number>();
    const workers = [pool.run(t.doubleInto, jobs, results), pool.run(t.doubleInto, jobs, results)];
    for (const n of range(1, 11)) await jobs.put(n);
    await jobs.join();
    jobs.shutdown();
    await Promise.all(workers);
    const doubled: number[] = [];
    while (!results.empty()) doubled.push(results.getNowait());
    expect(doubled.sort((a, b) => a - b)).toEqual(range(1, 11).map((n) => n * 2));
  });
});

describe('a queue handle in a task that is aborted', () => {
  const single = new ThreadPool({ maxWorkers: 1 });
  afterAll(() => single.terminate());

  it('withdraws its waiting get, so the next item stays in the queue', async () => {
    const jobs = new Queue<number>();
    const started = new Queue<boolean>();
    const controller = new AbortController();
    const waiting = single.run({
      task: t.announceThenGet,
      args: [jobs, started],
      signal: controller.signal,
    });
    // the task's get() is on its way to the owner (fail fast if the task died)
    await Promise.race([started.get(), waiting.then(() => new Promise<never>(() => {}))]);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    // a later call on the same worker reaches the owner after the withdrawal
    await single.run(t.inspect, jobs);
    jobs.putNowait(5);
    expect(jobs.getNowait()).toBe(5);
  });
});

// the other cases of a withdrawn get run on both transports: @par/test-support/pool-cases
describe('a queue get of a task the pool gave up (timeout, abort)', () => {
  let given: ThreadPool | undefined;
  afterEach(() => given?.terminate());

  it('is withdrawn on the owner at once for a task that cannot hear of it: an item put during the grace period stays in the queue', async () => {
    // the task blocks: it cannot hear of its abort, so only the owner can withdraw its get
    given = new ThreadPool({ maxWorkers: 1, gracePeriod: 60_000 });
    const jobs = new WatchedQueue<number>();
    const l = latch();
    const controller = new AbortController();
    const call = given.run({ task: t.getThenBlock, args: [jobs, l], signal: controller.signal });
    await jobs.untilGets(1);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    jobs.putNowait(7);
    expect(jobs.size).toBe(1);
    release(l);
    // the item goes to the next task, and join() resolves
    await expect(given.run(shared.consumeN, jobs, 1)).resolves.toEqual([7]);
    await jobs.join();
  });
});
