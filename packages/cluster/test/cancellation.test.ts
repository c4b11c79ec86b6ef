import { TimeoutError } from '@par/async';
import { engineOf, TaskFlag } from '@par/core/internal';
import { ThreadPool } from '@par/threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clusterForFile, latchDir, t, until } from './helpers.js';

let latch: ReturnType<typeof latchDir>;

// one thread, one job at a time: a second call waits in Redis
const cluster = clusterForFile('cancel', () => ({ threads: 1 }));

afterEach(() => latch?.dispose());

describe('abort and timeout', () => {
  it('removes a waiting call when its signal aborts: it rejects with the reason and never runs', async () => {
    latch = latchDir();
    const busy = cluster.pool.run(t.gate, latch.dir, 'busy');
    await until(() => latch.started('busy').length === 1, 'the first call to start');
    const controller = new AbortController();
    const waiting = cluster.pool.run({
      task: t.gate,
      args: [latch.dir, 'waiting'],
      signal: controller.signal,
    });
    await until(
      async () => (await cluster.pool.stats()).queued === 1,
      'the second call to wait in Redis',
    );
    const reason = new Error('not needed any more');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect((await cluster.pool.stats()).queued).toBe(0);
    latch.go('busy');
    latch.go('waiting');
    expect(await busy).toBeTypeOf('number');
    // the worker is free again and the removed job never reached it
    expect(await cluster.pool.run(t.square, 3)).toBe(9);
    expect(latch.started('waiting')).toEqual([]);
  });

  it("aborts an active call's task signal in the worker, then rejects with the reason", async () => {
    latch = latchDir();
    const controller = new AbortController();
    const call = cluster.pool.run({
      task: t.gate,
      args: [latch.dir, 'active'],
      signal: controller.signal,
    });
    await until(() => latch.started('active').length === 1, 'the call to start');
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    // the task's own signal aborted in the worker (it writes a marker when it sees it)
    await until(() => latch.aborted('active'), 'the task to see its signal abort');
    expect(await cluster.pool.run(t.square, 4)).toBe(16);
  });

  it('hands a run job to its thread pool as a call that can be withdrawn while it waits in a busy thread', async () => {
    // the engine's submit, spied on its prototype (the in-process worker's pool shares it)
    const probe = new ThreadPool({ maxWorkers: 1 });
    const engine = Object.getPrototypeOf(engineOf(probe)) as {
      submit(task: unknown, args: unknown[], flags: number, options: unknown): unknown;
    };
    await probe.close();
    const submit = vi.spyOn(engine, 'submit');
    try {
      expect(await cluster.pool.run(t.square, 5)).toBe(25);
      const flags = submit.mock.calls.map(([, , f]) => f);
      expect(flags).toHaveLength(1);
      // a thread reads its port for an ABORT only before a Cancellable call
      expect((flags[0] as number) & TaskFlag.Cancellable).toBe(TaskFlag.Cancellable);
    } finally {
      submit.mockRestore();
    }
  });

  it('rejects with TimeoutError after `timeout` ms of running, aborting the task signal', async () => {
    latch = latchDir();
    const error = await cluster.pool
      .run({ task: t.gate, args: [latch.dir, 'slow'], timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    await until(() => latch.aborted('slow'), 'the task to see its signal abort');
  });

  it('rejects at once for an already aborted signal', async () => {
    const controller = new AbortController();
    const reason = new Error('early');
    controller.abort(reason);
    await expect(
      cluster.pool.run({ task: t.square, args: [2], signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it('aborting a map rejects with the reason and cancels its chunks', async () => {
    latch = latchDir();
    const controller = new AbortController();
    const mapping = cluster.pool.starmap(
      t.gate,
      [
        [latch.dir, 'm0'],
        [latch.dir, 'm1'],
      ],
      { chunkSize: 1, signal: controller.signal },
    );
    await until(() => latch.started('m0').length === 1, 'the first chunk to start');
    const reason = new Error('map aborted');
    controller.abort(reason);
    await expect(mapping).rejects.toBe(reason);
    await until(async () => (await cluster.pool.stats()).pending === 0, 'the chunks to settle');
    await until(() => latch.aborted('m0'), 'the running chunk to see its signal abort');
    expect(latch.started('m1')).toEqual([]);
  });

  it('aborting a map while its async input waits for the next item rejects at once with the reason and closes the input', async () => {
    const state = { reads: 0, returned: 0 };
    // two items, then a next() that never settles; return() never settles either
    const input: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          state.reads++ < 2
            ? Promise.resolve({ value: state.reads, done: false as const })
            : new Promise<IteratorResult<number>>(() => {}),
        return: () => {
          state.returned++;
          return new Promise<IteratorResult<number>>(() => {});
        },
      }),
    };
    const controller = new AbortController();
    const mapping = cluster.pool.map(t.square, input, { signal: controller.signal });
    while (state.reads < 3) await Promise.resolve();
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(mapping).rejects.toBe(reason);
    expect(state.returned).toBe(1);
    expect((await cluster.pool.stats()).pending).toBe(0);
  });

  it('leaving an imap loop early cancels the chunks not consumed', async () => {
    latch = latchDir();
    const rows: [string, string][] = [
      [latch.dir, 'i0'],
      [latch.dir, 'i1'],
      [latch.dir, 'i2'],
    ];
    latch.go('i0');
    const seen: number[] = [];
    for await (const pid of cluster.pool.imap(t.gateRow, rows, { chunkSize: 1 })) {
      seen.push(pid);
      break;
    }
    expect(seen).toHaveLength(1);
    await until(
      async () => (await cluster.pool.stats()).pending === 0,
      'the other chunks to settle',
    );
    latch.go('i1');
    latch.go('i2');
    expect(await cluster.pool.run(t.square, 5)).toBe(25);
    expect(latch.started('i2')).toEqual([]);
  });
});
