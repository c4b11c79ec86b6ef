// Thrown values and class instances on worker threads. The cases every transport
// shares (thrown values, #private state as an argument and as a result) are in
// @par/test-support/pool-cases, run by pool-cases.test.ts.
import { Secret } from '@par/test-support/secret';
import { afterAll, describe, expect, it } from 'vitest';
import { NotCloneableError, ThreadPool } from '../dist/index.js';
import { t } from './pool-helpers.js';

const pool = new ThreadPool({ maxWorkers: 1 });
afterAll(() => pool.close());

describe('a class instance whose state is all #private is refused, not sent as {}', () => {
  it('as a map item: the error names the item by its index in the input', async () => {
    const items: object[] = Array.from({ length: 40 }, (_, i) => ({ i }));
    items[37] = [new Secret('x')];
    const error = await pool.map(t.keysOf, items, { chunkSize: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain('map item 37[0] (an instance of class Secret)');
  });

  it('class instances with own data, built-ins and empty plain objects still travel', async () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const value = {
      point: new Point(1, 2),
      map: new Map([['k', new Date(0)]]),
      set: new Set([1]),
      bytes: new Uint8Array([1]),
      empty: {},
      bare: Object.create(null),
    };
    expect(await pool.run(t.identity, value)).toEqual({
      point: { x: 1, y: 2 },
      map: new Map([['k', new Date(0)]]),
      set: new Set([1]),
      bytes: new Uint8Array([1]),
      empty: {},
      bare: {},
    });
  });
});
