import { afterAll, describe, expect, it } from 'vitest';
import { NotCloneableError, ThreadPool } from '../dist/index.js';
import { t } from './pool-helpers.js';

const pool = new ThreadPool({ maxWorkers: 1 });
afterAll(() => pool.close());

/** A class whose whole state is a #private field: structured clone would send `{}`. */
class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get value(): string {
    return this.#value;
  }
}

describe('thrown values that do not clone keep what can be kept', () => {
  it('a thrown object holding a function arrives with its other properties and a placeholder', async () => {
    const thrown = await pool.run(t.throwObjectWithFunction).catch((e: unknown) => e);
    expect(thrown).toEqual({
      code: 'E_RETRY',
      attempts: 3,
      detail: { step: 2 },
      retry: '[not cloneable: a function (retry)]',
    });
  });

  it('an error property holding a function arrives as a placeholder naming it', async () => {
    const error = await pool.run(t.failWithCallback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'with a callback',
      code: 'E_CB',
      onDone: '[not cloneable: a function (onDone)]',
    });
  });
});

describe('a class instance whose state is all #private is refused, not sent as {}', () => {
  it('as an argument: NotCloneableError names the argument path and the class', async () => {
    const error = await pool
      .run(t.keysOf, { config: { owner: new Secret('s3cr3t') } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toMatch(
      /^Task `keysOf` \(.*pool-tasks\.mjs\): argument 0\.config\.owner \(an instance of class Secret\) could not be sent to the worker/,
    );
    expect((error as Error).message).toContain('would arrive as an empty object {}');
  });

  it('as a map item: the error names the item by its index in the input', async () => {
    const items: object[] = Array.from({ length: 40 }, (_, i) => ({ i }));
    items[37] = [new Secret('x')];
    const error = await pool.map(t.keysOf, items, { chunkSize: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain('map item 37[0] (an instance of class Secret)');
  });

  it('as a result: NotCloneableError names the path in the result and the class', async () => {
    const error = await pool.run(t.secretResult, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain(
      'The result of task `secretResult` (result.owner, an instance of class Secret) could not be sent back to the caller',
    );
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
