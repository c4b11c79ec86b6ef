import { Queue, QueueEmpty } from '@par/queue';
import { describe, expect, it } from 'vitest';
import { withHandle } from './queue-handle-helpers.js';

describe('QueueHandle over a channel to a raw worker', () => {
  it('lets several workers consume the main thread’s tasks, and join() resolves when all are done', async () => {
    const jobs = new Queue<number>();
    for (let i = 0; i < 30; i++) jobs.putNowait(i);
    const consumers = [10, 10, 10].map((count) =>
      withHandle<number[]>(jobs, 'consumeWithGet', { count }),
    );
    await jobs.join();
    const seen = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(jobs.size).toBe(0);
  });

  it('ends for-await loops in workers when the owner shuts the queue down', async () => {
    const jobs = new Queue<number>();
    const consumers = [0, 1].map(() => withHandle<number[]>(jobs, 'consumeAll'));
    for (let i = 0; i < 20; i++) await jobs.put(i);
    await jobs.join();
    jobs.shutdown();
    const seen = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('keeps the owner’s maxsize: a worker producer waits while the queue is full', async () => {
    const jobs = new Queue<number>({ maxsize: 2 });
    const producer = withHandle<number>(jobs, 'produce', { items: [1, 2, 3, 4, 5] });
    const taken: number[] = [];
    for (let i = 0; i < 5; i++) {
      taken.push(await jobs.get());
      expect(jobs.size).toBeLessThanOrEqual(2);
    }
    await expect(producer).resolves.toBe(5);
    expect(taken).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers size, empty(), full(), maxsize and isShutDown asynchronously', async () => {
    const jobs = new Queue<number>({ maxsize: 2 });
    jobs.putNowait(1);
    jobs.putNowait(2);
    await expect(withHandle(jobs, 'inspect')).resolves.toEqual({
      size: 2,
      sizeCall: 2,
      empty: false,
      full: true,
      maxsize: 2,
      isShutDown: false,
    });
  });

  it('rebuilds the owner’s errors with their classes and codes', async () => {
    const jobs = new Queue<number>({ maxsize: 1 });
    await expect(withHandle(jobs, 'errors')).resolves.toEqual({
      getNowait: 'QueueEmpty:PAR_QUEUE_EMPTY:ParError',
      putNowait: 'QueueFull:PAR_QUEUE_FULL:ParError',
      getTimeout: 'QueueEmpty:PAR_QUEUE_EMPTY:ParError',
      taskDone: 'RangeError:PAR_QUEUE_TASK_DONE:other',
    });
    expect(jobs.size).toBe(0);
  });

  it('withdraws an aborted get on the owner, so a later item goes to the next getter', async () => {
    const jobs = new Queue<number>();
    await expect(withHandle(jobs, 'abortGet')).resolves.toEqual({ reason: 'stop' });
    jobs.putNowait(7);
    expect(jobs.getNowait()).toBe(7);
    expect(() => jobs.getNowait()).toThrow(QueueEmpty);
  });
});
