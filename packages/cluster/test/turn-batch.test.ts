import { describe, expect, it } from 'vitest';
import { TurnBatch } from '../src/turn-batch.js';

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
});
