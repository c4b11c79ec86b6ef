import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { ParError, TaskGroup, taskGroup } from '../src/index.js';
import { deferred } from '../src/internal.js';
import { tick } from './helpers.js';

describe('TaskGroup', () => {
  test('waits for every child and resolves when all succeed', async () => {
    const tg = new TaskGroup();
    const a = deferred<number>();
    const b = deferred<number>();
    const pa = tg.spawn(() => a.promise);
    const pb = tg.spawn(() => b.promise);
    let waited = false;
    const waiting = tg.wait().then(() => {
      waited = true;
    });
    a.resolve(1);
    await pa;
    expect(waited).toBe(false);
    b.resolve(2);
    await waiting;
    expect(waited).toBe(true);
    await expect(pb).resolves.toBe(2);
  });

  test('the first failure aborts the group signal', async () => {
    const tg = new TaskGroup();
    const boom = new Error('boom');
    const gate = deferred<void>();
    tg.spawn(async () => {
      await gate.promise;
      throw boom;
    });
    expect(tg.signal.aborted).toBe(false);
    gate.resolve();
    await expect(tg.wait()).rejects.toBeInstanceOf(AggregateError);
    expect(tg.signal.aborted).toBe(true);
    expect((tg.signal.reason as Error).cause).toBe(boom);
  });

  test('still waits for every child after a failure, then throws an AggregateError of all failures', async () => {
    const tg = new TaskGroup();
    const slow = deferred<void>();
    const first = new Error('first');
    const second = new Error('second');
    let slowFinished = false;
    tg.spawn(async () => {
      throw first;
    });
    tg.spawn(async () => {
      await slow.promise;
      slowFinished = true;
      throw second;
    });
    const outcome = tg.wait().then(
      () => undefined,
      (error: unknown) => error,
    );
    await Promise.resolve();
    slow.resolve();
    const error = (await outcome) as AggregateError;
    expect(slowFinished).toBe(true);
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors).toEqual([first, second]);
  });

  test('a child that rejects with the group abort reason is not counted as a failure', async () => {
    const tg = new TaskGroup();
    const boom = new Error('boom');
    tg.spawn(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    tg.spawn(async () => {
      throw boom;
    });
    const error = (await tg.wait().catch((e: unknown) => e)) as AggregateError;
    expect(error.errors).toEqual([boom]);
  });

  test('a sibling that stops with an AbortError once the group aborted is cancelled, not a failure', async () => {
    const tg = new TaskGroup();
    const boom = new Error('boom');
    const sibling = tg.spawn((signal) => delay(60_000, 1, { signal }));
    tg.spawn(async () => {
      throw boom;
    });
    const error = (await tg.wait().catch((e: unknown) => e)) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors).toEqual([boom]);
    await expect(sibling).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('an AbortError before the group aborted is a failure', async () => {
    const tg = new TaskGroup();
    const own = new DOMException('its own abort', 'AbortError');
    tg.spawn(async () => {
      throw own;
    });
    const error = (await tg.wait().catch((e: unknown) => e)) as AggregateError;
    expect(error.errors).toEqual([own]);
  });

  test('tasks failing with one shared error report it once', async () => {
    const tg = new TaskGroup();
    const boom = new Error('boom');
    const shared = Promise.reject(boom);
    tg.spawn(() => shared);
    tg.spawn(async () => {
      await shared;
    });
    const error = (await tg.wait().catch((e: unknown) => e)) as AggregateError;
    expect(error.errors).toEqual([boom]);
  });

  test('wait() also waits for a task spawned right after it in the same tick', async () => {
    const tg = new TaskGroup();
    const gate = deferred<void>();
    let done = false;
    const waiting = tg.wait();
    tg.spawn(async () => {
      await gate.promise;
      done = true;
    });
    let waited = false;
    const watched = waiting.then(() => {
      waited = true;
    });
    await tick();
    expect(waited).toBe(false);
    gate.resolve();
    await watched;
    expect(done).toBe(true);
  });

  test('spawn also adopts a promise that is already running', async () => {
    const tg = new TaskGroup();
    const work = deferred<number>();
    const adopted = tg.spawn(work.promise);
    work.resolve(9);
    await expect(adopted).resolves.toBe(9);
    await tg.wait();
  });

  test('spawn after the group finished throws', async () => {
    const tg = new TaskGroup();
    tg.spawn(async () => 1);
    await tg.wait();
    expect(() => tg.spawn(async () => 2)).toThrow(ParError);
  });

  test('the promise spawn returns never causes an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const tg = new TaskGroup();
      tg.spawn(async () => {
        throw new Error('ignored promise');
      });
      await tg.wait().catch(() => {});
      // give Node a macrotask turn to report unhandled rejections
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('awaiting a spawned promise gives its result or its error', async () => {
    const tg = new TaskGroup();
    const boom = new Error('boom');
    await expect(tg.spawn(async () => 'ok')).resolves.toBe('ok');
    await expect(
      tg.spawn(async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(tg.wait()).rejects.toBeInstanceOf(AggregateError);
  });

  test('await using waits for the group at the end of the block (Symbol.asyncDispose)', async () => {
    const gate = deferred<void>();
    let done = false;
    const block = (async () => {
      await using tg = new TaskGroup();
      tg.spawn(async () => {
        await gate.promise;
        done = true;
      });
    })();
    await Promise.resolve();
    expect(done).toBe(false);
    gate.resolve();
    await block;
    expect(done).toBe(true);
  });

  test('a parent signal aborts the group and wait rejects with its reason', async () => {
    const parent = new AbortController();
    const tg = new TaskGroup({ signal: parent.signal });
    tg.spawn(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const reason = new Error('parent');
    parent.abort(reason);
    await expect(tg.wait()).rejects.toBe(reason);
  });

  test('a parent abort rejects wait() with its reason itself when the tasks stop with an AbortError', async () => {
    const parent = new AbortController();
    const tg = new TaskGroup({ signal: parent.signal });
    tg.spawn((signal) => delay(60_000, 1, { signal }));
    tg.spawn((signal) => delay(60_000, 2, { signal }));
    const reason = new Error('parent');
    parent.abort(reason);
    await expect(tg.wait()).rejects.toBe(reason);
  });

  test('spawn after an abort does not start the function', async () => {
    const tg = new TaskGroup();
    tg.spawn(async () => {
      throw new Error('boom');
    });
    await new Promise((resolve) => setImmediate(resolve));
    let started = false;
    const late = tg.spawn(async () => {
      started = true;
    });
    await expect(late).rejects.toBe(tg.signal.reason);
    expect(started).toBe(false);
    await tg.wait().catch(() => {});
  });

  test('spawn passes the group signal to the function and returns its result', async () => {
    const tg = new TaskGroup();
    let seen: unknown;
    const result = tg.spawn(async (signal) => {
      seen = signal;
      return 42;
    });
    await expect(result).resolves.toBe(42);
    await tg.wait();
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen).toBe(tg.signal);
  });

  test('await using: a throwing block does not abort the tasks, then its error propagates', async () => {
    const error = new Error('block failed');
    let taskSignal: AbortSignal | undefined;
    let finished = false;
    const run = async (): Promise<void> => {
      await using tg = new TaskGroup();
      tg.spawn(async (signal) => {
        taskSignal = signal;
        await tick();
        finished = true;
      });
      throw error;
    };
    await expect(run()).rejects.toBe(error);
    expect(finished).toBe(true);
    expect(taskSignal?.aborted).toBe(false);
  });
});

describe('taskGroup', () => {
  test('runs the body, waits for its tasks and returns the body result', async () => {
    const order: string[] = [];
    const result = await taskGroup(async (tg) => {
      tg.spawn(async () => {
        await Promise.resolve();
        order.push('child');
      });
      order.push('body');
      return 42;
    });
    expect(result).toBe(42);
    expect(order).toEqual(['body', 'child']);
  });

  test('a failing body aborts the children and is reported in the AggregateError', async () => {
    const boom = new Error('body');
    let childSignal: AbortSignal | undefined;
    const error = await taskGroup(async (tg) => {
      tg.spawn(
        (signal) =>
          new Promise((_, reject) => {
            childSignal = signal;
            signal.addEventListener('abort', () => reject(signal.reason));
          }),
      );
      throw boom;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([boom]);
    expect(childSignal?.aborted).toBe(true);
  });

  test('a task error the body rethrows by awaiting the task is reported once', async () => {
    const boom = new Error('boom');
    const error = await taskGroup(async (tg) => {
      const a = tg.spawn(async () => {
        throw boom;
      });
      const b = tg.spawn(async () => 2);
      return [await a, await b];
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([boom]);
  });

  test('a thrown string the body rethrows from its task is reported once', async () => {
    const error = await taskGroup(async (tg) => {
      await tg.spawn(async () => {
        throw 'boom';
      });
    }).catch((e: unknown) => e);
    expect((error as AggregateError).errors).toEqual(['boom']);
  });

  test('a parent abort rejects with its reason itself when the body awaits a task stopped by it', async () => {
    const parent = new AbortController();
    const started = deferred<void>();
    const run = taskGroup(
      async (tg) => {
        const task = tg.spawn((signal) => {
          started.resolve();
          return delay(60_000, 1, { signal });
        });
        return await task;
      },
      { signal: parent.signal },
    );
    await started.promise;
    const reason = new Error('parent');
    parent.abort(reason);
    await expect(run).rejects.toBe(reason);
  });
});
