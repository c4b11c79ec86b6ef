import { MessagePort } from 'node:worker_threads';
import { tasks } from '@par/core';
import { engineOf } from '@par/core/internal';
import { ThreadPool } from '@par/threads';
import { describe, expect, it, vi } from 'vitest';
import { engineTurnBatch, TurnBatch } from '../src/turn-batch.js';

const t = tasks<typeof import('./fixtures/tasks.mjs')>(
  new URL('./fixtures/tasks.mjs', import.meta.url),
);

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnBatch', () => {
  it('starts the calls added in one turn together after it, in order', async () => {
    const batch = new TurnBatch();
    const started: number[] = [];
    for (let i = 0; i < 3; i++) batch.add(() => started.push(i));
    await Promise.resolve();
    expect(started).toEqual([]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2]);
    batch.add(() => started.push(3));
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("run() settles with the started call's value or error", async () => {
    const batch = new TurnBatch();
    const ok = batch.run(async () => 7);
    const failed = batch.run(() => Promise.reject(new TypeError('no')));
    await expect(ok).resolves.toBe(7);
    await expect(failed).rejects.toThrow(TypeError);
  });

  it('a start that throws rejects its own call only', async () => {
    const batch = new TurnBatch();
    const thrown = batch.run((): Promise<number> => {
      throw new RangeError('bad');
    });
    const next = batch.run(async () => 8);
    await expect(thrown).rejects.toThrow(RangeError);
    await expect(next).resolves.toBe(8);
  });

  it('starts a turn inside the wrapper it was given, all of its calls in one wrap', async () => {
    const wraps: number[][] = [];
    let current: number[] | undefined;
    const batch = new TurnBatch((startAll) => {
      current = [];
      startAll();
      wraps.push(current);
      current = undefined;
    });
    for (let i = 0; i < 3; i++) batch.add(() => current?.push(i));
    await nextTurn();
    batch.add(() => current?.push(3));
    await nextTurn();
    expect(wraps).toEqual([[0, 1, 2], [3]]);
  });

  it("engineTurnBatch: a turn's calls reach the pool's idle thread in one message", async () => {
    const pool = new ThreadPool({ maxWorkers: 1, minWorkers: 1 });
    try {
      // the thread is up and has loaded the module; then the run time the pool measured
      // for square is set short (batched from then on), whatever this call took on a
      // busy machine
      await pool.run(t.square, 1);
      const engine = engineOf(pool);
      const def = engine.registry.defs[engine.registry.keyOf(t.square)];
      if (def === undefined) throw new Error('square has no definition after a call');
      def.mean = 0.01;
      const batch = engineTurnBatch(engine);
      const post = vi.spyOn(MessagePort.prototype, 'postMessage');
      try {
        const calls = [2, 3, 4, 5, 6].map((n) =>
          batch.run(() => engine.submit(t.square, [n], 0, undefined).promise),
        );
        await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16, 25, 36]);
        // not the first call alone and the other four behind it
        expect(post).toHaveBeenCalledTimes(1);
      } finally {
        post.mockRestore();
      }
    } finally {
      await pool.close();
    }
  });
});
