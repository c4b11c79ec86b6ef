import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { gather, sleep } from '../src/index.js';
import { deferred } from '../src/internal.js';

describe('gather', () => {
  test('keeps input order when inputs settle out of order', async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const c = deferred<string>();
    const all = gather([a.promise, b.promise, c.promise]);
    c.resolve('c');
    b.resolve('b');
    a.resolve('a');
    await expect(all).resolves.toEqual(['a', 'b', 'c']);
  });

  test('accepts promises, functions returning promises and plain values', async () => {
    const result = await gather([Promise.resolve(1), () => Promise.resolve(2), 3, () => 4]);
    expect(result).toEqual([1, 2, 3, 4]);
  });

  test('calls function inputs at once, concurrently', async () => {
    const started: number[] = [];
    const gates = [deferred<void>(), deferred<void>()];
    const all = gather(
      gates.map((gate, i) => async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    expect(started).toEqual([0, 1]);
    for (const gate of gates) gate.resolve();
    await expect(all).resolves.toEqual([0, 1]);
  });

  test('without returnExceptions the first rejection wins', async () => {
    const a = deferred<number>();
    const b = deferred<number>();
    const first = new Error('first');
    const all = gather([a.promise, b.promise]);
    b.reject(first);
    a.reject(new Error('second'));
    await expect(all).rejects.toBe(first);
  });

  test('with returnExceptions errors stand in their slots', async () => {
    const boom = new Error('boom');
    const result = await gather(
      [Promise.resolve(1), Promise.reject(boom), () => Promise.resolve(3)],
      {
        returnExceptions: true,
      },
    );
    expect(result).toEqual([1, boom, 3]);
  });

  test('a function input that throws synchronously is a rejection', async () => {
    const boom = new Error('sync');
    await expect(
      gather([
        () => {
          throw boom;
        },
      ]),
    ).rejects.toBe(boom);
  });

  test('an empty input resolves to an empty array', async () => {
    await expect(gather([])).resolves.toEqual([]);
  });

  test('abort rejects with signal.reason and hands the signal to function inputs', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const all = gather(
      [
        (signal?: AbortSignal) => {
          seen = signal;
          return new Promise(() => {});
        },
      ],
      { signal: controller.signal },
    );
    const reason = new Error('cancel');
    controller.abort(reason);
    await expect(all).rejects.toBe(reason);
    expect(seen?.aborted).toBe(true);
  });

  test('abort rejects with signal.reason, not the AbortError the function inputs stop with', async () => {
    const controller = new AbortController();
    const all = gather(
      [
        (signal?: AbortSignal) => delay(60_000, 1, { signal }),
        (signal?: AbortSignal) => delay(60_000, 2, { signal }),
      ],
      { signal: controller.signal },
    );
    const reason = new Error('cancel');
    controller.abort(reason);
    await expect(all).rejects.toBe(reason);
  });

  test('abort rejects with signal.reason even with returnExceptions', async () => {
    const controller = new AbortController();
    const all = gather(
      [
        (signal?: AbortSignal) => sleep(60_000, 1, { signal }),
        (signal?: AbortSignal) => delay(60_000, 2, { signal }),
      ],
      { signal: controller.signal, returnExceptions: true },
    );
    const reason = new Error('cancel');
    controller.abort(reason);
    await expect(all).rejects.toBe(reason);
  });

  test('results the inputs produced in the same tick as the abort still fill their slots', async () => {
    const controller = new AbortController();
    const a = deferred<number>();
    const b = deferred<number>();
    const all = gather([a.promise, b.promise], { signal: controller.signal });
    a.resolve(1);
    b.resolve(2);
    controller.abort(new Error('cancel'));
    await expect(all).resolves.toEqual([1, 2]);
  });
});
