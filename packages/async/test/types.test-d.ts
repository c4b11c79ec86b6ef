import { describe, expectTypeOf, test } from 'vitest';
import {
  asCompleted,
  type Barrier,
  gather,
  type LimitFunction,
  limit,
  map,
  mapIter,
  type ReleaseHandle,
  retry,
  Semaphore,
  shield,
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

describe('calls with promises of different types infer the union of their values', () => {
  const p1 = Promise.resolve(1);
  const p2 = Promise.resolve('x');

  test('wait holds promises of the union', async () => {
    const r = await wait([p1, p2]);
    expectTypeOf(r.done).toEqualTypeOf<Set<Promise<number | string>>>();
    expectTypeOf(r.pending).toEqualTypeOf<Set<Promise<number | string>>>();
    expectTypeOf(await wait([p1])).toEqualTypeOf<{
      done: Set<Promise<number>>;
      pending: Set<Promise<number>>;
    }>();
  });

  test('asCompleted yields the union', async () => {
    for await (const v of asCompleted([p1, p2])) expectTypeOf(v).toEqualTypeOf<number | string>();
  });

  test('map and mapIter pass the union to the mapper', async () => {
    expectTypeOf(await map([p1, p2], (x) => x)).toEqualTypeOf<Array<number | string>>();
    for await (const v of mapIter([p1, p2], (x) => x))
      expectTypeOf(v).toEqualTypeOf<number | string>();
    expectTypeOf(await map([1, 2], async (x) => String(x))).toEqualTypeOf<string[]>();
  });

  test('gather over a non-array iterable gives the union, with Error only for returnExceptions', async () => {
    const set = new Set([p1, p2]);
    expectTypeOf(await gather(set)).toEqualTypeOf<Array<number | string>>();
    expectTypeOf(await gather(set, { returnExceptions: true })).toEqualTypeOf<
      Array<number | string | Error>
    >();
    expectTypeOf(await gather([p1, () => p2, 3])).toEqualTypeOf<[number, string, number]>();
  });

  test('timeout, shield, spawn and limit keep the value type', async () => {
    expectTypeOf(await timeout(10, async (s) => (s.aborted ? 1 : 2))).toEqualTypeOf<number>();
    expectTypeOf(await shield(p2)).toEqualTypeOf<string>();
    expectTypeOf(await new TaskGroup().spawn(async () => 'a')).toEqualTypeOf<string>();
    const l = limit(2);
    expectTypeOf(await l(async (a: number, b: string) => a + b, 1, 'x')).toEqualTypeOf<string>();
  });
});
