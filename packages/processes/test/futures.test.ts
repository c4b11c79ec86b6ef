import { asCompleted, Pipe, ProcessPoolExecutor, TimeoutError, tasks, wait } from '@par/processes';
import { afterEach, describe, expect, it } from 'vitest';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);

let executor: ProcessPoolExecutor;
afterEach(async () => {
  await executor?.shutdown({ cancelFutures: true });
});

describe('concurrent.futures module functions over process futures', () => {
  it('asCompleted yields the Future objects as they finish; wait splits them', async () => {
    executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    const [parent, child] = Pipe<string>();
    const gated = executor.submit(t.gate, child, 'gated');
    const quick = executor.submit(t.square, 6);
    const first = await wait([gated, quick], { returnWhen: 'FIRST_COMPLETED' });
    expect(first.done).toEqual(new Set([quick]));
    expect(first.notDone).toEqual(new Set([gated]));
    const order: unknown[] = [];
    for await (const future of asCompleted([gated, quick])) {
      order.push(future);
      if ((future as unknown) === quick) parent.send('go');
    }
    expect(order).toHaveLength(2);
    expect(order[0]).toBe(quick);
    expect(order[1]).toBe(gated);
    await expect(gated).resolves.toBe('gated');
    parent.close();
  });

  it('asCompleted throws TimeoutError while a future is unfinished', async () => {
    executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const [parent, child] = Pipe<string>();
    const gated = executor.submit(t.gate, child, 'gated');
    const next = asCompleted([gated], { timeout: 50 }).next();
    await expect(next).rejects.toBeInstanceOf(TimeoutError);
    parent.send('go');
    await expect(gated).resolves.toBe('gated');
    parent.close();
  });
});
