import { describe, expect, test } from 'vitest';
import { mapIter } from '../src/index.js';
import { deferred } from '../src/internal.js';

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('mapIter', () => {
  test('yields in input order by default', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const result = collect(
      mapIter(
        [0, 1, 2],
        async (i) => {
          await gates[i]?.promise;
          return i;
        },
        { concurrency: 3 },
      ),
    );
    gates[2]?.resolve();
    gates[1]?.resolve();
    gates[0]?.resolve();
    await expect(result).resolves.toEqual([0, 1, 2]);
  });

  test('ordered: false yields results as they finish', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const result = collect(
      mapIter(
        [0, 1, 2],
        async (i) => {
          await gates[i]?.promise;
          return i;
        },
        { concurrency: 3, ordered: false },
      ),
    );
    await drainMicrotasks();
    gates[2]?.resolve();
    await drainMicrotasks();
    gates[0]?.resolve();
    await drainMicrotasks();
    gates[1]?.resolve();
    await expect(result).resolves.toEqual([2, 0, 1]);
  });

  test('keeps at most concurrency calls in flight', async () => {
    for (const ordered of [true, false]) {
      let running = 0;
      let peak = 0;
      const result = await collect(
        mapIter(
          Array.from({ length: 12 }, (_, i) => i),
          async (i) => {
            running++;
            peak = Math.max(peak, running);
            await drainMicrotasks();
            running--;
            return i;
          },
          { concurrency: 3, ordered },
        ),
      );
      expect(peak).toBe(3);
      expect([...result].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    }
  });

  test('keeps concurrency mappers running while the consumer is busy with a result', async () => {
    for (const ordered of [true, false]) {
      const started = Array.from({ length: 4 }, () => deferred<void>());
      const gates = Array.from({ length: 4 }, () => deferred<number>());
      const it = mapIter(
        [0, 1, 2, 3],
        (i) => {
          started[i]?.resolve();
          return gates[i]?.promise as Promise<number>;
        },
        { concurrency: 2, backpressure: 4, ordered },
      );
      const first = it.next();
      await started[1]?.promise;
      gates[0]?.resolve(0);
      expect(await first).toEqual({ value: 0, done: false });
      // the consumer has not asked for more: the freed slot is refilled anyway
      await started[2]?.promise;
      gates[1]?.resolve(1);
      await started[3]?.promise;
      for (const i of [2, 3]) gates[i]?.resolve(i);
      const rest: number[] = [];
      for await (const value of it) rest.push(value);
      expect(rest.sort()).toEqual([1, 2, 3]);
    }
  });

  test('concurrency: 1 starts the next mapper as soon as a result is taken', async () => {
    const started = Array.from({ length: 2 }, () => deferred<void>());
    const it = mapIter(
      [0, 1],
      (i) => {
        started[i]?.resolve();
        return i;
      },
      { concurrency: 1, backpressure: 2 },
    );
    expect(await it.next()).toEqual({ value: 0, done: false });
    await started[1]?.promise;
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  test('backpressure bounds the results that wait unconsumed (default: concurrency)', async () => {
    for (const [backpressure, expected] of [
      [undefined, 2],
      [3, 3],
    ] as const) {
      const started: number[] = [];
      const it = mapIter(
        [0, 1, 2, 3, 4, 5],
        (i) => {
          started.push(i);
          return i;
        },
        { concurrency: 2, backpressure },
      );
      expect(await it.next()).toEqual({ value: 0, done: false });
      await drainMicrotasks();
      // the consumer is busy: `expected` items wait, none beyond
      expect(started.length - 1).toBe(expected);
      expect(await it.next()).toEqual({ value: 1, done: false });
      await drainMicrotasks();
      expect(started.length - 2).toBe(expected);
      await it.return?.(undefined);
    }
  });

  test('an input error is thrown after the results read before it', async () => {
    function* input(): Generator<number> {
      yield 1;
      yield 2;
      throw new Error('input broke');
    }
    const out: number[] = [];
    const loop = (async () => {
      for await (const value of mapIter(input(), (x) => x * 10, { concurrency: 4 }))
        out.push(value);
    })();
    await expect(loop).rejects.toThrow('input broke');
    expect(out).toEqual([10, 20]);
  });

  test('after a break the input iterator is closed and no more input is pulled', async () => {
    let pulled = 0;
    let closed = false;
    function* source(): Generator<number> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    for await (const value of mapIter(source(), async (i) => i, { concurrency: 2 })) {
      seen.push(value);
      if (value === 3) break;
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(closed).toBe(true);
    const pulledAtBreak = pulled;
    await drainMicrotasks();
    expect(pulled).toBe(pulledAtBreak);
    expect(pulled).toBeLessThanOrEqual(6);
  });

  test('closes an async input iterator after a break', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const value of mapIter(source(), (i) => i * 2, { concurrency: 2 })) {
      if (value >= 4) break;
    }
    expect(closed).toBe(true);
  });

  test('a mapper error is thrown from the loop and closes the input', async () => {
    let closed = false;
    function* source(): Generator<number> {
      try {
        yield* [1, 2, 3, 4, 5];
      } finally {
        closed = true;
      }
    }
    const boom = new Error('boom');
    const result = collect(
      mapIter(
        source(),
        async (i) => {
          if (i === 2) throw boom;
          return i;
        },
        { concurrency: 1 },
      ),
    );
    await expect(result).rejects.toBe(boom);
    expect(closed).toBe(true);
  });

  test('abort rejects the pending next() with signal.reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const iterator = mapIter([1, 2], () => new Promise<never>(() => {}), {
      signal: controller.signal,
    });
    const next = iterator.next();
    await drainMicrotasks();
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
  });

  test('passes the index to the mapper', async () => {
    await expect(collect(mapIter(['a', 'b'], (s, i) => `${s}${i}`))).resolves.toEqual(['a0', 'b1']);
  });
});
