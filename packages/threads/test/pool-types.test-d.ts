import { Queue } from '@par/queue';
import { describe, expectTypeOf, it } from 'vitest';
import {
  asCompleted,
  type Future,
  type QueueHandle,
  type TaskRef,
  Thread,
  ThreadPool,
  ThreadPoolExecutor,
  tasks,
  toThread,
  wait,
} from '../dist/index.js';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);
const pool = new ThreadPool();

describe('queue arguments', () => {
  it('a Queue may be passed where the task declares a QueueHandle', () => {
    const q = tasks<{ drain: (jobs: QueueHandle<number>) => Promise<number> }>('/x/queue-tasks.js');
    const queue = new Queue<number>();
    expectTypeOf(pool.run(q.drain, queue)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error a queue of strings is not a queue of numbers
    pool.run(q.drain, new Queue<string>());
    expectTypeOf(new ThreadPoolExecutor().submit(q.drain, queue)).toEqualTypeOf<Future<number>>();
  });

  it('Thread and toThread accept a Queue where the task declares a QueueHandle', () => {
    const q = tasks<{ drain: (jobs: QueueHandle<number>) => Promise<number> }>('/x/queue-tasks.js');
    const queue = new Queue<number>();
    expectTypeOf(new Thread(q.drain, { args: [queue] }).join()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(toThread(q.drain, queue)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error a queue of strings is not a queue of numbers
    new Thread(q.drain, { args: [new Queue<string>()] });
    // @ts-expect-error a queue of strings is not a queue of numbers
    void toThread(q.drain, new Queue<string>());
    // @ts-expect-error other parameters are still checked
    new Thread(t.square, { args: ['x'] });
  });
});

describe('typed task references', () => {
  it('carry argument and result types', () => {
    expectTypeOf(t.square).toEqualTypeOf<TaskRef<[n: number], number>>();
    expectTypeOf(t.delayed).toMatchTypeOf<TaskRef<[value: unknown, ms?: number], unknown>>();
  });

  it('expose only function exports', () => {
    // @ts-expect-error notAFunction is a number, not a task
    t.notAFunction;
  });

  it('run resolves to the result type', () => {
    expectTypeOf(pool.run(t.square, 3)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.run({ task: t.add, args: [1, 2] })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.run((x: number) => String(x), 1)).toEqualTypeOf<Promise<string>>();
    expectTypeOf(pool.run(async (x: number) => x > 1, 1)).toEqualTypeOf<Promise<boolean>>();
  });

  it('run rejects wrong argument types at compile time', () => {
    // @ts-expect-error square takes a number
    pool.run(t.square, 'x');
    // @ts-expect-error square takes one argument
    pool.run(t.square);
    // @ts-expect-error args must match the task
    pool.run({ task: t.add, args: ['a', 2] });
  });

  it('map, imap and starmap are typed', () => {
    expectTypeOf(pool.map(t.square, [1, 2])).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(pool.imap(t.square, [1, 2])).toEqualTypeOf<AsyncIterableIterator<number>>();
    expectTypeOf(pool.imapUnordered(t.square, [1])).toEqualTypeOf<AsyncIterableIterator<number>>();
    expectTypeOf(pool.starmap(t.add, [[1, 2]])).toEqualTypeOf<Promise<number[]>>();
    // @ts-expect-error items must be numbers
    pool.map(t.square, ['a']);
  });

  it('executor futures and Thread carry the result type', () => {
    const executor = new ThreadPoolExecutor();
    expectTypeOf(executor.submit(t.square, 2)).toEqualTypeOf<Future<number>>();
    expectTypeOf(executor.map(t.add, [1], [2])).toEqualTypeOf<AsyncIterableIterator<number>>();
    const thread = new Thread(t.add, { args: [1, 2] });
    expectTypeOf(thread.join()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(thread.isAlive).toEqualTypeOf<boolean>();
    expectTypeOf(toThread(t.square, 2)).toEqualTypeOf<Promise<number>>();
  });
});

describe('a worker count as options', () => {
  it('ThreadPool and ThreadPoolExecutor take a worker count', () => {
    expectTypeOf(ThreadPool).toBeConstructibleWith(4);
    expectTypeOf(ThreadPoolExecutor).toBeConstructibleWith(4);
    expectTypeOf(ThreadPool).toBeConstructibleWith({ maxWorkers: 4 });
  });
});

describe("multiprocessing.Pool's names", () => {
  it('apply and applyAsync take the arguments as one array', () => {
    expectTypeOf(pool.apply(t.add, [1, 2])).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.applyAsync(t.add, [1, 2])).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error a string is not a number
    void pool.apply(t.add, ['1', 2]);
  });

  it('apply accepts a Queue where the task declares a QueueHandle', () => {
    const q = tasks<{ drain: (jobs: QueueHandle<number>) => Promise<number> }>('/x/queue-tasks.js');
    expectTypeOf(pool.apply(q.drain, [new Queue<number>()])).toEqualTypeOf<Promise<number>>();
  });

  it('mapAsync / starmapAsync resolve to the result list; join to void', () => {
    expectTypeOf(pool.mapAsync(t.square, [1, 2])).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(pool.starmapAsync(t.add, [[1, 2]])).toEqualTypeOf<Promise<number[]>>();
    pool.mapAsync(t.square, [1], {
      callback: (squares) => expectTypeOf(squares).toEqualTypeOf<number[]>(),
    });
    expectTypeOf(pool.join()).toEqualTypeOf<Promise<void>>();
  });
});

describe('concurrent.futures module functions', () => {
  it('asCompleted yields the Future objects; wait resolves to Sets of them', async () => {
    const executor = new ThreadPoolExecutor();
    const a = executor.submit(t.square, 2);
    const b = executor.submit(t.echoArgs, 'x');
    expectTypeOf(asCompleted([a], { timeout: 10 })).toEqualTypeOf<
      AsyncIterableIterator<Future<number>>
    >();
    const step = await asCompleted([a]).next();
    if (!step.done) expectTypeOf(step.value).toEqualTypeOf<Future<number>>();
    expectTypeOf(asCompleted([a, b])).toEqualTypeOf<
      AsyncIterableIterator<Future<number> | Future<unknown[]>>
    >();
    const { done, notDone } = await wait([a], { returnWhen: 'FIRST_EXCEPTION', timeout: 1 });
    expectTypeOf(done).toEqualTypeOf<Set<Future<number>>>();
    expectTypeOf(notDone).toEqualTypeOf<Set<Future<number>>>();
    // @ts-expect-error not a returnWhen value
    void wait([a], { returnWhen: 'SOMETIMES' });
    // @ts-expect-error promises are not futures (use @par/async's asCompleted for those)
    void asCompleted([Promise.resolve(1)]);
  });
});
