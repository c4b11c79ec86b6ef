import { describe, expect, test } from 'vitest';
import { map } from '../src/index.js';
import { deferred } from '../src/internal.js';

const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('map', () => {
  test('keeps input order when mappers finish out of order', async () => {
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const result = map([0, 1, 2], async (i) => {
      await gates[i]?.promise;
      return i * 10;
    });
    gates[2]?.resolve();
    gates[0]?.resolve();
    gates[1]?.resolve();
    await expect(result).resolves.toEqual([0, 10, 20]);
  });

  test('calls mapper(item, index)', async () => {
    await expect(map(['a', 'b'], (item, index) => `${item}${index}`)).resolves.toEqual([
      'a0',
      'b1',
    ]);
  });

  test('never runs more than concurrency mappers at once', async () => {
    let running = 0;
    let peak = 0;
    await map(
      Array.from({ length: 20 }, (_, i) => i),
      async () => {
        running++;
        peak = Math.max(peak, running);
        await drainMicrotasks();
        running--;
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  test('reads a sync iterable lazily, at most concurrency items ahead', async () => {
    let pulled = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield i;
      }
    }
    const gates = Array.from({ length: 10 }, () => deferred<void>());
    const result = map(source(), (i) => gates[i]?.promise.then(() => i), { concurrency: 2 });
    expect(pulled).toBe(2);
    gates[0]?.resolve();
    await drainMicrotasks();
    expect(pulled).toBe(3);
    for (const gate of gates) gate.resolve();
    await expect(result).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('accepts an async iterable', async () => {
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 5; i++) {
        await Promise.resolve();
        yield i;
      }
    }
    await expect(map(source(), async (i) => i * 2, { concurrency: 2 })).resolves.toEqual([
      0, 2, 4, 6, 8,
    ]);
  });

  test('awaits promise items of a sync iterable', async () => {
    await expect(map([Promise.resolve(1), 2], (i) => i + 1)).resolves.toEqual([2, 3]);
  });

  test('stopOnError (default) rejects with the first error and stops reading input', async () => {
    let pulled = 0;
    function* source(): Generator<number> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const boom = new Error('boom');
    const result = map(
      source(),
      async (i) => {
        if (i === 1) throw boom;
        return i;
      },
      { concurrency: 2 },
    );
    await expect(result).rejects.toBe(boom);
    await drainMicrotasks();
    expect(pulled).toBeLessThan(5);
  });

  test('stopOnError: false maps every item, then rejects with an AggregateError', async () => {
    const seen: number[] = [];
    const a = new Error('a');
    const b = new Error('b');
    const error = await map(
      [0, 1, 2, 3],
      async (i) => {
        seen.push(i);
        if (i === 1) throw a;
        if (i === 3) throw b;
        return i;
      },
      { concurrency: 1, stopOnError: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([a, b]);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  test('stops pulling input after an abort and rejects with signal.reason', async () => {
    const controller = new AbortController();
    let pulled = 0;
    let closed = false;
    function* source(): Generator<number> {
      try {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const gate = deferred<void>();
    const reason = new Error('stop');
    const result = map(source(), () => gate.promise, {
      concurrency: 2,
      signal: controller.signal,
    });
    controller.abort(reason);
    gate.resolve();
    await expect(result).rejects.toBe(reason);
    await drainMicrotasks();
    expect(pulled).toBe(2);
    expect(closed).toBe(true);
  });

  test('an empty input resolves to an empty array', async () => {
    await expect(map([], async (x) => x)).resolves.toEqual([]);
  });

  test('an input iterator that throws rejects the map', async () => {
    const boom = new Error('source');
    function* source(): Generator<number> {
      yield 1;
      throw boom;
    }
    await expect(map(source(), async (x) => x, { concurrency: 1 })).rejects.toBe(boom);
  });
});
