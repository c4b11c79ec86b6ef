import type { WaitOptions as AsyncWaitOptions, ParError } from '@par/async';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ConsumableQueue,
  type ConsumeOptions,
  consume,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  type QueueOptions,
  QueueShutDown,
  SimpleQueue,
  type WaitOptions,
} from '../src/index.js';

describe('queue types', () => {
  it('WaitOptions is the one WaitOptions of @par/async', () => {
    expectTypeOf<WaitOptions>().toEqualTypeOf<AsyncWaitOptions>();
    expectTypeOf<Parameters<Queue<number>['get']>[0]>().toEqualTypeOf<
      AsyncWaitOptions | undefined
    >();
  });

  it('get resolves to the item type and put accepts only it', () => {
    const queue = new Queue<number>();
    expectTypeOf(queue.get()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(queue.getNowait()).toEqualTypeOf<number>();
    expectTypeOf(queue.put(1)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error a string is not a number
    void queue.put('x');
    // @ts-expect-error a string is not a number
    queue.putNowait('x');
  });

  it('exposes size, maxsize, empty(), full(), join() and taskDone()', () => {
    const queue = new Queue<string>({ maxsize: 3 });
    expectTypeOf(queue.size).toEqualTypeOf<number>();
    expectTypeOf(queue.maxsize).toEqualTypeOf<number>();
    expectTypeOf(queue.empty()).toEqualTypeOf<boolean>();
    expectTypeOf(queue.full()).toEqualTypeOf<boolean>();
    expectTypeOf(queue.join()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(queue.taskDone()).toEqualTypeOf<void>();
    expectTypeOf(queue.shutdown).parameter(0).toEqualTypeOf<{ immediate?: boolean } | undefined>();
  });

  it('is async-iterable over its item type', async () => {
    const queue = new Queue<{ id: number }>();
    expectTypeOf(queue).toMatchTypeOf<AsyncIterable<{ id: number }>>();
    for await (const item of queue) expectTypeOf(item).toEqualTypeOf<{ id: number }>();
  });

  it('LifoQueue and PriorityQueue are Queues of their item type', () => {
    expectTypeOf(new LifoQueue<number>()).toMatchTypeOf<Queue<number>>();
    expectTypeOf(new PriorityQueue<number>()).toMatchTypeOf<Queue<number>>();
    expectTypeOf(new PriorityQueue<string>().get()).toEqualTypeOf<Promise<string>>();
  });

  it('PriorityQueue compare receives the item type', () => {
    new PriorityQueue<{ priority: number }>({
      compare: (a, b) => {
        expectTypeOf(a).toEqualTypeOf<{ priority: number }>();
        return a.priority - b.priority;
      },
    });
    // @ts-expect-error compare must return a number
    new PriorityQueue<number>({ compare: (a: number, b: number) => a < b });
  });

  it('options are typed', () => {
    expectTypeOf<QueueOptions>().toEqualTypeOf<{ maxsize?: number }>();
    expectTypeOf<WaitOptions>().toEqualTypeOf<{ signal?: AbortSignal; timeout?: number }>();
    // @ts-expect-error maxsize is a number
    new Queue({ maxsize: '1' });
    // @ts-expect-error timeout is a number
    void new Queue().get({ timeout: '1' });
  });

  it('SimpleQueue has get/put but no task tracking', () => {
    const queue = new SimpleQueue<number>();
    expectTypeOf(queue.get()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(queue.put(1)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(queue).not.toHaveProperty('taskDone');
    expectTypeOf(queue).not.toHaveProperty('shutdown');
  });

  it('consume infers the item type for the handler and onError', () => {
    const queue = new Queue<string>();
    const done = consume(
      queue,
      async (item, signal) => {
        expectTypeOf(item).toEqualTypeOf<string>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      },
      {
        concurrency: 2,
        onError: (error, item) => {
          expectTypeOf(error).toEqualTypeOf<unknown>();
          expectTypeOf(item).toEqualTypeOf<string>();
        },
      },
    );
    expectTypeOf(done).toEqualTypeOf<Promise<void>>();
    expectTypeOf<ConsumeOptions<string>['concurrency']>().toEqualTypeOf<number | undefined>();
  });

  it('every queue satisfies ConsumableQueue', () => {
    expectTypeOf(new Queue<number>()).toMatchTypeOf<ConsumableQueue<number>>();
    expectTypeOf(new SimpleQueue<number>()).toMatchTypeOf<ConsumableQueue<number>>();
  });

  it('errors extend ParError', () => {
    expectTypeOf(new QueueEmpty()).toMatchTypeOf<ParError>();
    expectTypeOf(new QueueFull()).toMatchTypeOf<ParError>();
    expectTypeOf(new QueueShutDown()).toMatchTypeOf<ParError>();
    expectTypeOf(new QueueShutDown().code).toEqualTypeOf<string>();
  });
});
