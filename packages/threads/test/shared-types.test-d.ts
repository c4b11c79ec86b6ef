import type {
  ReleaseHandle as AsyncReleaseHandle,
  WaitOptions as AsyncWaitOptions,
} from '@par/async';
import type { Queue } from '@par/queue';
import type { Remote } from 'comlink';
import { describe, expectTypeOf, it } from 'vitest';
import type { TaskRef, ThreadPool } from '../src/index.js';
import {
  Barrier,
  Condition,
  Event,
  Lock,
  type QueueHandle,
  type ReleaseHandle,
  type RemoteQueue,
  RLock,
  Semaphore,
  type SharedWaitOptions,
  sharedArray,
  Value,
  type WaitOptions,
} from '../src/index.js';

describe('shared primitive types', () => {
  it('ReleaseHandle and WaitOptions are the ones of @par/async', () => {
    expectTypeOf<ReleaseHandle>().toEqualTypeOf<AsyncReleaseHandle>();
    expectTypeOf<WaitOptions>().toEqualTypeOf<AsyncWaitOptions>();
    expectTypeOf<SharedWaitOptions>().toMatchTypeOf<AsyncWaitOptions>();
    expectTypeOf<SharedWaitOptions['blocking']>().toEqualTypeOf<boolean | undefined>();
  });

  it('acquire() is a boolean in a worker or a promise of one on the main thread', () => {
    expectTypeOf(new Lock().acquire()).toEqualTypeOf<boolean | Promise<boolean>>();
    expectTypeOf(new RLock().acquire({ timeout: 5 })).toEqualTypeOf<boolean | Promise<boolean>>();
    expectTypeOf(new Semaphore(2).acquire(5)).toEqualTypeOf<boolean | Promise<boolean>>();
    expectTypeOf(new Lock().acquireAsync()).toEqualTypeOf<Promise<boolean>>();
  });

  it('hold() gives a disposable release handle', () => {
    expectTypeOf(new Lock().holdAsync()).toEqualTypeOf<Promise<ReleaseHandle>>();
    expectTypeOf<ReleaseHandle>().toMatchTypeOf<Disposable>();
  });

  it('Barrier#wait() gives the arrival index', () => {
    expectTypeOf(new Barrier(2).wait()).toEqualTypeOf<number | Promise<number>>();
    expectTypeOf(new Barrier(2).waitAsync()).toEqualTypeOf<Promise<number>>();
  });

  it('Event and Condition waits give booleans; waitFor gives the predicate value', () => {
    expectTypeOf(new Event().wait()).toEqualTypeOf<boolean | Promise<boolean>>();
    const cond = new Condition();
    expectTypeOf(cond.wait(10)).toEqualTypeOf<boolean | Promise<boolean>>();
    expectTypeOf(cond.waitForAsync(() => 3 as const)).toEqualTypeOf<Promise<3 | boolean>>();
  });

  it('Value holds numbers, or bigints for 64-bit integer types', () => {
    expectTypeOf(new Value('f64', 1).value).toEqualTypeOf<number>();
    expectTypeOf(new Value('d', 1).value).toEqualTypeOf<number>();
    expectTypeOf(new Value('i64', 1n).value).toEqualTypeOf<bigint>();
    // @ts-expect-error a bigint Value does not take a number
    new Value('u64', 1);
    expectTypeOf(new Value('i32').getLock()).toEqualTypeOf<Lock | RLock>();
  });

  it('sharedArray returns the TypedArray it was given', () => {
    const floats = sharedArray(Float64Array, 4);
    expectTypeOf(floats.BYTES_PER_ELEMENT).toEqualTypeOf<number>();
    expectTypeOf(floats[Symbol.toStringTag]).toEqualTypeOf<'Float64Array'>();
    expectTypeOf(sharedArray(Int32Array, [1, 2])[Symbol.toStringTag]).toEqualTypeOf<'Int32Array'>();
    expectTypeOf(sharedArray(BigInt64Array, [1n])[0]).toEqualTypeOf<bigint | undefined>();
  });

  it('a QueueHandle has the async Queue API', () => {
    type H = QueueHandle<number>;
    expectTypeOf<H['get']>().returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf<H['putNowait']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<Awaited<H['size']>>().toEqualTypeOf<number>();
    expectTypeOf<H['maxsize']>().toEqualTypeOf<number>();
    expectTypeOf<H>().toMatchTypeOf<AsyncIterable<number>>();
    expectTypeOf<Queue<number>['maxsize']>().toEqualTypeOf<H['maxsize']>();
  });

  it('a task declaring a QueueHandle parameter accepts the caller’s Queue', () => {
    const pool = {} as ThreadPool;
    const consume = {} as TaskRef<[jobs: QueueHandle<number>], number[]>;
    const queue = {} as Queue<number>;
    expectTypeOf(pool.run(consume, queue)).toEqualTypeOf<Promise<number[]>>();
    // @ts-expect-error a queue of strings is not a queue of numbers
    pool.run(consume, {} as Queue<string>);
  });

  it('a RemoteQueue is what comlink makes of a Queue, async member by member', () => {
    expectTypeOf<Remote<Queue<number>>>().toMatchTypeOf<RemoteQueue<number>>();
    type R = RemoteQueue<number>;
    expectTypeOf<R['size']>().toEqualTypeOf<Promise<number>>();
    expectTypeOf<R['getNowait']>().returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf<R['put']>().parameter(0).toEqualTypeOf<number>();
    // @ts-expect-error an AbortSignal cannot cross to the owner
    (({}) as R).get({ signal: new AbortController().signal });
  });
});
