import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/index.js';
import { latch, reached, release, t } from './pool-helpers.js';

let pool: ThreadPool;
afterEach(async () => {
  await pool?.terminate();
});

async function* countTo(n: number, read?: number[]) {
  for (let i = 0; i < n; i++) {
    read?.push(i);
    yield i;
  }
}

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * An async input that gives `items`, then waits for an item that never comes, as
 * an async generator would: its `return()` would wait for that `next()`. Counts
 * the `return()` calls.
 */
function stallingInput<T>(items: T[]) {
  const state = { returned: 0, reads: 0 };
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const i = state.reads++;
        return i < items.length
          ? Promise.resolve({ value: items[i] as T, done: false as const })
          : new Promise<IteratorResult<T>>(() => {});
      },
      return: () => {
        state.returned++;
        return new Promise<IteratorResult<T>>(() => {});
      },
    }),
  };
  return { iterable, state };
}

describe('map', () => {
  it('returns the results in input order', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    await expect(pool.map(t.square, xs)).resolves.toEqual(xs.map((x) => x * x));
  });

  it('keeps input order when chunks finish out of order', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    // The first chunk sleeps longest, so later chunks finish first.
    const delays = [40, 30, 20, 10, 1, 1, 1, 1];
    const out = await pool.map(
      (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)),
      delays,
      {
        chunkSize: 1,
      },
    );
    expect(out).toEqual(delays);
  });

  it('returns an empty array for empty input', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    await expect(pool.map(t.square, [])).resolves.toEqual([]);
    expect(pool.stats().workers).toBe(0);
  });

  it('maps non-number items and results', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const items = Array.from({ length: 100 }, (_, i) => ({ id: i }));
    await expect(pool.map(t.identity, items)).resolves.toEqual(items);
    const mixed = await pool.map(
      (x: number) => (x % 2 ? 'odd' : x),
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(mixed[3]).toBe('odd');
    expect(mixed[4]).toBe(4);
  });

  it('keeps -0 and NaN in numeric chunks', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const xs = [
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      ...Array.from({ length: 30 }, (_, i) => i / 3),
    ];
    const out = await pool.map(t.identity, xs);
    expect(Object.is(out[0], -0)).toBe(true);
    expect(out[1]).toBeNaN();
    expect(out.slice(2)).toEqual(xs.slice(2));
  });

  it('sends Python-sized chunks: ceil(n / (4 * workers)) items per task', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    await pool.map(
      t.square,
      Array.from({ length: 100 }, (_, i) => i),
    );
    // 100 items on 2 workers: chunks of 13, so 8 calls
    expect(pool.stats().completed).toBe(8);
  });

  it('honours an explicit chunkSize', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    await pool.map(
      t.square,
      Array.from({ length: 10 }, (_, i) => i),
      { chunkSize: 3 },
    );
    expect(pool.stats().completed).toBe(4);
  });

  it('accepts any iterable and async iterable', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    await expect(pool.map(t.square, new Set([1, 2, 3]))).resolves.toEqual([1, 4, 9]);
    await expect(pool.map(t.square, countTo(5))).resolves.toEqual([0, 1, 4, 9, 16]);
  });

  it('rejects with the first failure', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const fn = (x: number) => {
      if (x === 57) throw new Error(`bad item ${x}`);
      return x;
    };
    await expect(
      pool.map(
        fn,
        Array.from({ length: 100 }, (_, i) => i),
      ),
    ).rejects.toThrow('bad item 57');
  });

  it('rejects with signal.reason when aborted', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const controller = new AbortController();
    const blocker = pool.run(t.block, l);
    await reached(l, 0);
    const mapped = pool.map(t.square, [1, 2, 3], { signal: controller.signal });
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(mapped).rejects.toBe(reason);
    release(l);
    await blocker;
  });

  it('rejects at once with signal.reason, and closes the input, when aborted while the async input waits for its next item', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const controller = new AbortController();
    const { iterable, state } = stallingInput([1, 2]);
    const mapped = pool.map(t.square, iterable, { signal: controller.signal });
    while (state.reads < 3) await Promise.resolve();
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(mapped).rejects.toBe(reason);
    expect(state.returned).toBe(1);
    expect(pool.stats().workers).toBe(0);
  });

  it('keeps input order with an explicit chunkSize over a generator', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    function* numbers() {
      for (let i = 0; i < 10; i++) yield i;
    }
    expect(await pool.map(t.square, numbers(), { chunkSize: 3 })).toEqual([
      0, 1, 4, 9, 16, 25, 36, 49, 64, 81,
    ]);
  });
});

describe('starmap', () => {
  it('spreads each item as arguments', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    await expect(
      pool.starmap(t.add, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).resolves.toEqual([3, 7, 11]);
  });

  it('rejects an item that is not an argument array', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.starmap(t.add, [[1, 2], 3 as never])).rejects.toThrow(
      /item 1 is not an array/,
    );
  });
});

describe('imap', () => {
  it('yields results in input order', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const out: number[] = [];
    for await (const r of pool.imap(t.square, countTo(50))) out.push(r);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * i));
  });

  it('reads ahead only a bounded number of items', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const read: number[] = [];
    const it = pool.imap(t.square, countTo(1_000_000, read), { bufferSize: 10, chunkSize: 2 });
    const first = await it.next();
    expect(first.value).toBe(0);
    expect(read.length).toBeLessThanOrEqual(12);
    await it.return?.();
  });

  it('stops reading the input after break, and closes it', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const read: number[] = [];
    const closed = gate();
    async function* source() {
      try {
        yield* countTo(1_000_000, read);
      } finally {
        closed.open();
      }
    }
    for await (const r of pool.imap(t.square, source(), { bufferSize: 8 })) {
      if (r >= 9) break;
    }
    // return() runs at once, or once a next() the loop left pending settles
    await closed.promise;
    expect(read.length).toBeLessThan(100);
  });

  it('stops with signal.reason when aborted', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const controller = new AbortController();
    const reason = new Error('abort imap');
    const seen: number[] = [];
    const consume = async () => {
      for await (const r of pool.imap(t.square, countTo(1_000_000), {
        signal: controller.signal,
      })) {
        seen.push(r);
        if (seen.length === 5) controller.abort(reason);
      }
    };
    await expect(consume()).rejects.toBe(reason);
    expect(seen.length).toBe(5);
  });

  it('throws the task error at the failing item', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const seen: number[] = [];
    const fn = (x: number) => {
      if (x === 3) throw new Error('three');
      return x;
    };
    const consume = async () => {
      for await (const r of pool.imap(fn, [0, 1, 2, 3, 4], { chunkSize: 1 })) seen.push(r);
    };
    await expect(consume()).rejects.toThrow('three');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('yields a result while the input is still waiting for its next item', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const second = gate();
    let finished = false;
    async function* input() {
      yield 1;
      yield 2;
      await second.promise;
      yield 3;
      finished = true;
    }
    const it = pool.imap(t.square, input());
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 4, done: false });
    expect(finished).toBe(false);
    second.open();
    const rest: number[] = [];
    for await (const r of it) rest.push(r);
    expect(rest).toEqual([9]);
    expect(finished).toBe(true);
  });

  it.each([
    ['imap', 'auto'],
    ['imap', 3],
    ['imapUnordered', 'auto'],
  ] as const)(
    '%s over an input that yields its next item only once the previous result was consumed does not deadlock (chunkSize %s)',
    async (method, chunkSize) => {
      pool = new ThreadPool({ maxWorkers: 2 });
      let consumed = gate();
      async function* input() {
        for (let i = 0; i < 20; i++) {
          yield i;
          await consumed.promise;
          consumed = gate();
        }
      }
      const out: number[] = [];
      for await (const r of pool[method](t.square, input(), { chunkSize })) {
        out.push(r);
        consumed.open();
      }
      expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
    },
  );

  it("throws the input's error after the results of the items before it", async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    const error = new RangeError('the input broke');
    async function* input() {
      yield* countTo(5);
      throw error;
    }
    const seen: number[] = [];
    const consume = async () => {
      for await (const r of pool.imap(t.square, input(), { chunkSize: 2 })) seen.push(r);
    };
    await expect(consume()).rejects.toBe(error);
    expect(seen).toEqual([0, 1, 4, 9, 16]);
  });

  it('stops with signal.reason, cancelling its chunks and closing the input, while the input waits for its next item', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const controller = new AbortController();
    const { iterable, state } = stallingInput([l]);
    const it = pool.imap(t.block, iterable, { chunkSize: 1, signal: controller.signal });
    const first = it.next();
    await reached(l, 0);
    expect(state.reads).toBe(2); // the second next() never settles
    const reason = new Error('abort imap');
    controller.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(state.returned).toBe(1);
    // the running chunk was aborted: it no longer counts as running
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
    release(l);
  });

  it('grows stream chunks adaptively and keeps order', async () => {
    pool = new ThreadPool({ maxWorkers: 2 });
    let n = 0;
    for await (const r of pool.imap(t.square, countTo(5000))) {
      expect(r).toBe(n * n);
      n++;
    }
    expect(n).toBe(5000);
    // far fewer calls than items: chunks grew from 1
    expect(pool.stats().completed).toBeLessThan(1000);
  });
});

describe('imapUnordered', () => {
  it('yields every result once, fast ones first', async () => {
    pool = new ThreadPool({ maxWorkers: 4 });
    const l = latch();
    const fn = (x: number | Int32Array) => {
      if (typeof x !== 'number') {
        Atomics.wait(x, 1, 0);
        return -1;
      }
      return x;
    };
    const out: number[] = [];
    for await (const r of pool.imapUnordered(fn, [l, 1, 2, 3] as (number | Int32Array)[], {
      chunkSize: 1,
    })) {
      out.push(r);
      if (out.length === 3) release(l);
    }
    expect(out.slice(0, 3).sort()).toEqual([1, 2, 3]);
    expect(out[3]).toBe(-1);
  });
});
