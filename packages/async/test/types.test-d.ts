import { describe, expectTypeOf, test } from 'vitest';
import {
  type Barrier,
  gather,
  type LimitFunction,
  limit,
  map,
  mapIter,
  type ReleaseHandle,
  retry,
  Semaphore,
  TaskGroup,
  throttle,
  timeout,
  wait,
} from '../src/index.js';

describe('types', () => {
  test('gather keeps tuple types and unwraps functions', () => {
    expectTypeOf(gather([Promise.resolve(1), () => Promise.resolve('a'), true])).toEqualTypeOf<
      Promise<[number, string, boolean]>
    >();
  });

  test('gather over an array gives an array', () => {
    const inputs: Array<Promise<number>> = [];
    expectTypeOf(gather(inputs)).toEqualTypeOf<Promise<number[]>>();
  });

  test('gather with returnExceptions puts Error in every slot type', () => {
    expectTypeOf(
      gather([Promise.resolve(1), Promise.resolve('a')], { returnExceptions: true }),
    ).toEqualTypeOf<Promise<[number | Error, string | Error]>>();
  });

  test("limit's call returns the awaited result of the function", () => {
    const limiter = limit(2);
    expectTypeOf(limiter).toEqualTypeOf<LimitFunction>();
    expectTypeOf(limiter(async (a: number) => `${a}`, 1)).toEqualTypeOf<Promise<string>>();
    expectTypeOf(limiter(() => 5)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error the argument types are checked
    limiter(async (a: number) => a, 'x');
    expectTypeOf(limiter.activeCount).toEqualTypeOf<number>();
  });

  test('map resolves to R[]', () => {
    expectTypeOf(map([1, 2], async (x) => String(x))).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(map([1], (x, index) => x + index)).toEqualTypeOf<Promise<number[]>>();
  });

  test('mapIter yields R', () => {
    expectTypeOf(mapIter(['a'], async (s) => s.length)).toEqualTypeOf<
      AsyncIterableIterator<number>
    >();
  });

  test('TaskGroup.spawn returns the task result', () => {
    const tg = new TaskGroup();
    expectTypeOf(tg.spawn(async (signal) => signal.aborted)).toEqualTypeOf<Promise<boolean>>();
  });

  test('acquire resolves to a disposable release handle', () => {
    expectTypeOf(new Semaphore(1).acquire()).toEqualTypeOf<Promise<ReleaseHandle>>();
    expectTypeOf<ReleaseHandle>().toExtend<Disposable>();
    expectTypeOf<Barrier['wait']>().returns.toEqualTypeOf<Promise<number>>();
  });

  test('timeout, retry and throttle keep result types', () => {
    expectTypeOf(timeout(10, async () => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(retry(async (attempt) => attempt > 1)).toEqualTypeOf<Promise<boolean>>();
    const throttled = throttle((a: string) => a.length, { limit: 1, interval: 10 });
    expectTypeOf(throttled('x')).toEqualTypeOf<Promise<number>>();
  });

  test('wait returns Sets of the original promises', () => {
    const p = Promise.resolve(1);
    expectTypeOf(wait([p])).toEqualTypeOf<
      Promise<{ done: Set<Promise<number>>; pending: Set<Promise<number>> }>
    >();
  });
});
