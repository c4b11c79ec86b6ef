import { afterEach, describe, expect, it } from 'vitest';
import { asCompleted, type Future, ThreadPoolExecutor, TimeoutError, wait } from '../dist/index.js';
import { latch, reached, release, t } from './pool-helpers.js';

let executor: ThreadPoolExecutor;
const latches: Int32Array[] = [];
function blocker(): Int32Array {
  const l = latch();
  latches.push(l);
  return l;
}
afterEach(async () => {
  for (const l of latches.splice(0)) release(l);
  await executor?.shutdown({ cancelFutures: true });
});

describe('asCompleted(futures)', () => {
  it('yields the Future objects themselves, in completion order', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const l = blocker();
    const slow = executor.submit(t.block, l, 'slow');
    await reached(l, 0);
    const fast = executor.submit(t.square, 3);
    const names = new Map<Future<unknown>, string>([
      [slow, 'slow'],
      [fast, 'fast'],
    ]);
    const order: string[] = [];
    // read with next(): TypeScript types a for-await variable as the Future's value
    const it = asCompleted(names.keys());
    for (let step = await it.next(); !step.done; step = await it.next()) {
      const future = step.value;
      expect(future.done()).toBe(true);
      order.push(`${names.get(future)}=${await future.result()}`);
      if (future === fast) release(l);
    }
    expect(order).toEqual(['fast=9', 'slow=slow']);
  });

  it('yields done futures first, each future once, failed ones too (not thrown)', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const failed = executor.submit(t.fail, 'boom');
    await expect(failed.exception()).resolves.toBeInstanceOf(Error);
    const later = executor.submit(t.square, 4);
    const seen: unknown[] = [];
    // the loop receives the Future objects themselves
    for await (const future of asCompleted([later, failed, failed])) seen.push(future);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(failed);
    expect(seen[1]).toBe(later);
  });

  it('throws TimeoutError naming how many futures are unfinished; they keep running', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const l = blocker();
    const stuck = executor.submit(t.block, l, 'late');
    const done = executor.submit(t.square, 2);
    await done;
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const future of asCompleted([done, stuck], { timeout: 50 })) seen.push(future);
    })();
    const error = await loop.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('1 (of 2) futures unfinished');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(done);
    release(l);
    await expect(stuck).resolves.toBe('late');
  });

  it('checks its arguments at once', () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    expect(() => asCompleted([Promise.resolve(1)] as unknown as Future<number>[])).toThrow(
      /`futures\[0\]`.*Future/,
    );
    expect(() => asCompleted([], { timeout: -1 })).toThrow(RangeError);
  });
});

describe('wait(futures)', () => {
  it("returnWhen 'FIRST_COMPLETED' resolves once one future is done", async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const l = blocker();
    const slow = executor.submit(t.block, l);
    const fast = executor.submit(t.square, 5);
    const { done, notDone } = await wait([slow, fast], { returnWhen: 'FIRST_COMPLETED' });
    expect([...done]).toEqual([fast]);
    expect([...notDone]).toEqual([slow]);
  });

  it("returnWhen 'FIRST_EXCEPTION' resolves at the first failure", async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 3 });
    const l = blocker();
    const slow = executor.submit(t.block, l);
    const ok = executor.submit(t.square, 5);
    await ok;
    const failing = executor.submit(t.fail, 'boom');
    const { done, notDone } = await wait([slow, ok, failing], { returnWhen: 'FIRST_EXCEPTION' });
    expect(done).toEqual(new Set([ok, failing]));
    expect(notDone).toEqual(new Set([slow]));
  });

  it("a cancelled future does not end 'FIRST_EXCEPTION'", async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = blocker();
    const running = executor.submit(t.block, l, 'ran');
    await reached(l, 0);
    const queued = executor.submit(t.square, 2);
    let resolved = false;
    const waiting = wait([running, queued], { returnWhen: 'FIRST_EXCEPTION' }).then((r) => {
      resolved = true;
      return r;
    });
    expect(queued.cancel()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release(l);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([running, queued]));
    expect(notDone.size).toBe(0);
  });

  it("'ALL_COMPLETED' is the default; a timeout resolves with the unfinished in notDone", async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const all = await wait([executor.submit(t.square, 1), executor.submit(t.square, 2)]);
    expect(all.done.size).toBe(2);
    expect(all.notDone.size).toBe(0);
    const l = blocker();
    const stuck = executor.submit(t.block, l);
    const quick = executor.submit(t.square, 3);
    await quick;
    const { done, notDone } = await wait([stuck, quick], { timeout: 50 });
    expect(done).toEqual(new Set([quick]));
    expect(notDone).toEqual(new Set([stuck]));
  });

  it('rejects bad arguments with errors naming them', async () => {
    await expect(wait([42] as unknown as Future<number>[])).rejects.toThrow(
      /`futures\[0\]`.*Future/,
    );
    await expect(wait([], { returnWhen: 'SOME' as unknown as 'ALL_COMPLETED' })).rejects.toThrow(
      /`returnWhen`/,
    );
    await expect(wait([])).resolves.toEqual({ done: new Set(), notDone: new Set() });
  });
});
