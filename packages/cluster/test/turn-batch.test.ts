import { MessagePort } from 'node:worker_threads';
import { tasks } from '@par/core';
import { engineOf } from '@par/core/internal';
import { ThreadPool } from '@par/threads';
import { describe, expect, it, vi } from 'vitest';
import { engineTurnBatch, TurnBatch, WAIT_TURNS } from '../src/turn-batch.js';

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

  it('with a limit, a batch waits another turn while calls keep coming, and goes after a turn that brought none', async () => {
    const batch = new TurnBatch(undefined, 10);
    const started: number[] = [];
    batch.add(() => started.push(0));
    await nextTurn();
    // the turn it began in is over: it waits one more, for the rest of the jobs
    expect(started).toEqual([]);
    batch.add(() => started.push(1));
    await nextTurn();
    // that turn brought a call: it waits again
    expect(started).toEqual([]);
    await nextTurn();
    // that one brought none: the batch goes, in order
    expect(started).toEqual([0, 1]);
  });

  it('a batch that holds `limit` calls goes after its turn without waiting', async () => {
    const batch = new TurnBatch(undefined, 2);
    const started: number[] = [];
    batch.add(() => started.push(0));
    batch.add(() => started.push(1));
    await nextTurn();
    expect(started).toEqual([0, 1]);
    // the next batch waits again
    batch.add(() => started.push(2));
    await nextTurn();
    expect(started).toEqual([0, 1]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2]);
  });

  it('a batch waits WAIT_TURNS turns at most, however many calls keep coming', async () => {
    const batch = new TurnBatch(undefined, 1000);
    const started: number[] = [];
    batch.add(() => started.push(0));
    for (let turn = 1; turn <= WAIT_TURNS; turn++) {
      await nextTurn();
      expect(started).toEqual([]);
      batch.add(() => started.push(turn));
    }
    await nextTurn();
    expect(started).toEqual(Array.from({ length: WAIT_TURNS + 1 }, (_, i) => i));
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
