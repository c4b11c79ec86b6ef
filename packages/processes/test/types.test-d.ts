import type { QueueHandle } from '@par/core';
import {
  type Connection,
  EOFError,
  type Future,
  Pipe,
  Process,
  type ProcessPool,
  type ProcessPoolExecutor,
  tasks,
} from '@par/processes';
import { Queue } from '@par/queue';
import { describe, expectTypeOf, it } from 'vitest';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);
const p = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);
declare const pool: ProcessPool;
declare const executor: ProcessPoolExecutor;

describe('types', () => {
  it('run() resolves to the task result type and checks arguments', () => {
    expectTypeOf(pool.run(t.square, 3)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error a string is not a number
    void pool.run(t.square, 'x');
    // @ts-expect-error missing argument
    void pool.run(t.add, 1);
  });

  it('apply() takes the arguments as one array', () => {
    expectTypeOf(pool.apply(t.add, [1, 2])).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error wrong argument types
    void pool.apply(t.add, ['1', 2]);
  });

  it('map() resolves to an array of results', () => {
    expectTypeOf(pool.map(t.square, [1, 2])).toEqualTypeOf<Promise<number[]>>();
  });

  it('imap() is an async iterable of results', () => {
    expectTypeOf(pool.imap(t.square, [1])).toMatchTypeOf<AsyncIterable<number>>();
  });

  it('submit() returns a Future of the result', () => {
    expectTypeOf(executor.submit(t.square, 2)).toEqualTypeOf<Future<number>>();
  });

  it('Process checks args against the task', () => {
    new Process(p.exitWith, { args: [1] });
    // @ts-expect-error a string is not a number
    new Process(p.exitWith, { args: ['1'] });
    expectTypeOf(new Process(p.noop).join()).toEqualTypeOf<Promise<number | null>>();
    expectTypeOf(new Process(p.noop).exitCode).toEqualTypeOf<number | null>();
  });

  it('Process accepts a Queue where the task declares a QueueHandle', () => {
    const q = tasks<{ drain: (jobs: QueueHandle<number>) => Promise<number> }>('/x/queue-tasks.js');
    new Process(q.drain, { args: [new Queue<number>()] });
    // @ts-expect-error a queue of strings is not a queue of numbers
    new Process(q.drain, { args: [new Queue<string>()] });
  });

  it('Pipe<T>() gives typed Connections', () => {
    const [a] = Pipe<string>();
    expectTypeOf(a).toEqualTypeOf<Connection<string>>();
    expectTypeOf(a.recv()).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error a number is not a string
    a.send(1);
    expectTypeOf(new EOFError().code).toEqualTypeOf<string>();
  });
});
