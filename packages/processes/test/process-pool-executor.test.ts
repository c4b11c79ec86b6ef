import { asCompleted, CancelledError } from '@par/async';
import { Future, Pipe, PoolClosedError, ProcessPoolExecutor, tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';
import { untilStarted } from './helpers.js';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);

describe('ProcessPoolExecutor', () => {
  it('submit() returns Futures; asCompleted yields every result', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    try {
      const futures = [3, 1, 2].map((n) => executor.submit(t.square, n));
      expect(futures[0]).toBeInstanceOf(Future);
      const results: number[] = [];
      for await (const value of asCompleted(futures)) results.push(value);
      expect(results.sort((a, b) => a - b)).toEqual([1, 4, 9]);
      expect(futures.every((f) => f.done())).toBe(true);
    } finally {
      await executor.shutdown();
    }
  });

  it('a Future is awaitable and reports running() while its task runs', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      const [here, there] = Pipe<string>();
      const future = executor.submit(t.gate, there, 'value');
      await untilStarted(here, future);
      expect(future.running()).toBe(true);
      expect(future.done()).toBe(false);
      here.send('go');
      expect(await future).toBe('value');
      expect(future.done()).toBe(true);
    } finally {
      await executor.shutdown();
    }
  });

  it('cancel() succeeds only while the future is pending', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      const [here, there] = Pipe<string>();
      const running = executor.submit(t.gate, there, 1);
      await untilStarted(here, running);
      const pending = executor.submit(t.square, 2);
      expect(pending.cancel()).toBe(true);
      expect(pending.cancelled()).toBe(true);
      await expect(pending).rejects.toBeInstanceOf(CancelledError);
      expect(running.cancel()).toBe(false);
      here.send('go');
      expect(await running).toBe(1);
    } finally {
      await executor.shutdown();
    }
  });

  it('map() yields results in input order', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
    try {
      const out: number[] = [];
      for await (const v of executor.map(t.add, [1, 2, 3], [10, 20, 30])) out.push(v);
      expect(out).toEqual([11, 22, 33]);
    } finally {
      await executor.shutdown();
    }
  });

  it('shutdown({ cancelFutures: true }) cancels queued futures; running ones finish', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const [here, there] = Pipe<string>();
    const running = executor.submit(t.gate, there, 'done');
    await untilStarted(here, running);
    const queued = executor.submit(t.square, 3);
    const outcome = queued.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    const stopping = executor.shutdown({ wait: true, cancelFutures: true });
    expect(await outcome).toBeInstanceOf(CancelledError);
    here.send('go');
    expect(await running).toBe('done');
    await stopping;
  });

  it('submit() after shutdown() rejects with PoolClosedError', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    await executor.shutdown();
    await expect(executor.submit(t.square, 2)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('await using shuts the executor down, waiting for submitted work', async () => {
    let future: Future<number> | undefined;
    {
      await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
      future = executor.submit(t.square, 12);
    }
    expect(future?.done()).toBe(true);
    expect(await future).toBe(144);
  });
});
