// Types a user gets when mixing promise types in one call (API.md): each
// call infers the union of the values instead of failing to type-check.
import {
  asCompleted,
  gather,
  limit,
  map,
  mapIter,
  shield,
  TaskGroup,
  timeout,
  wait,
} from '@par/async';
import { describe, expectTypeOf, test } from 'vitest';

const p1 = Promise.resolve(1);
const p2 = Promise.resolve('x');

describe('calls with promises of different types', () => {
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
