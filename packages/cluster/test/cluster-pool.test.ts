import {
  ClusterPool,
  InlineRemoteError,
  NotCloneableError,
  PayloadTooLargeError,
  TaskNotAllowedError,
  tasks,
} from '@par/cluster';
import { Queue, QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { clusterForFile, latchDir, other, root, t, until } from './helpers.js';

const cluster = clusterForFile('basics');

describe('ClusterPool', () => {
  it('runs a task reference on a worker and resolves to its result', async () => {
    expect(await cluster.pool.run(t.square, 7)).toBe(49);
    expect(await cluster.pool.run(t.add, 2, 3)).toBe(5);
  });

  it('takes the call-descriptor form', async () => {
    expect(await cluster.pool.run({ task: t.add, args: [4, 5], timeout: 60_000 })).toBe(9);
  });

  it('keeps typed arrays, Maps, Dates, BigInt and undefined across the wire', async () => {
    const value = {
      bytes: new Uint8Array([1, 2, 3]),
      map: new Map([['a', 1n]]),
      date: new Date(0),
      missing: undefined,
    };
    expect(await cluster.pool.run(t.echo, value)).toEqual(value);
  });

  it('maps, starmaps and streams in input order', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect(await cluster.pool.map(t.square, items)).toEqual(items.map((i) => i * i));
    expect(
      await cluster.pool.starmap(t.add, [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([3, 7]);
    const streamed: number[] = [];
    for await (const r of cluster.pool.imap(
      t.square,
      (function* () {
        yield* items;
      })(),
    ))
      streamed.push(r);
    expect(streamed).toEqual(items.map((i) => i * i));
    const unordered: number[] = [];
    for await (const r of cluster.pool.imapUnordered(t.square, items, { chunkSize: 7 }))
      unordered.push(r);
    expect(unordered.sort((a, b) => a - b)).toEqual(items.map((i) => i * i));
  });

  it("sizes a stream's chunks by the run times its workers report, as the local pools do", async () => {
    const stream = function* <T>(items: T[]) {
      yield* items;
    };
    // tiny items: the chunks grow (a chunk is a call of the pool, counted in stats()).
    // A chunk doubles whenever a finished one measured under 5 ms per item; how often
    // that happens depends on how busy the machine is, so the check is only that the
    // chunks grew at all (at one item per chunk there would be as many calls as items).
    {
      await using fast = new ClusterPool({ connection: cluster.redis.url, queue: 'basics', root });
      const items = Array.from({ length: 2000 }, (_, i) => i);
      const out: number[] = [];
      for await (const r of fast.imap(t.square, stream(items))) out.push(r);
      expect(out).toEqual(items.map((i) => i * i));
      expect(fast.stats().completed).toBeLessThan(items.length);
    }
    // items of 25 ms each (more than the 10 ms a chunk aims at): one item per chunk
    {
      await using slow = new ClusterPool({ connection: cluster.redis.url, queue: 'basics', root });
      const items = Array.from({ length: 40 }, () => 25);
      const out: number[] = [];
      for await (const r of slow.imapUnordered(t.pause, stream(items))) out.push(r);
      expect(out).toEqual(items);
      expect(slow.stats().completed).toBe(items.length);
    }
  });

  it("sends a map as chunks of the local pools' size ceil(n / (4 × workers))", async () => {
    {
      const monitorPool = new ClusterPool({
        connection: cluster.redis.url,
        queue: 'basics',
        root,
        workers: 2,
      });
      const items = Array.from({ length: 80 }, (_, i) => i);
      const seen: number[] = [];
      const events = new QueueEvents('basics', {
        connection: { url: cluster.redis.url },
        prefix: 'par',
      });
      await events.waitUntilReady();
      events.on('added', () => seen.push(1));
      expect(await monitorPool.map(t.square, items)).toEqual(items.map((i) => i * i));
      await monitorPool.close();
      await events.close();
      // 80 items on 2 workers: chunks of 10, so 8 jobs
      expect(seen.length).toBe(8);
    }
  });

  it('sends chunks of numbers packed, losslessly, and gives back plain arrays', async () => {
    const items = [-0, Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 53, -1e-300];
    while (items.length < 40) items.push(items.length);
    const out = await cluster.pool.map(t.echo, items);
    expect(Array.isArray(out)).toBe(true);
    expect(out.every((v, i) => Object.is(v, items[i]))).toBe(true);
    const packed = new Float64Array([1, 2, 3]);
    // a single call's typed array result stays what it is
    expect(await cluster.pool.run(t.echo, packed)).toEqual(packed);
    expect(
      await cluster.pool.starmap(
        t.add,
        Array.from({ length: 20 }, (_, i) => [i, i]),
      ),
    ).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
  });

  it('rejects a task error with its class, message, code and stack', async () => {
    const error = await cluster.pool.run(t.fail, 'boom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ name: 'TypeError', message: 'boom', code: 'E_FIXTURE' });
    expect((error as Error).stack).toContain('tasks.mjs');
  });

  it('refuses an inline function at the caller and shows the module form', async () => {
    const error = await cluster.pool.run((n: number) => n * 2, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InlineRemoteError);
    expect(error).toMatchObject({ code: 'PAR_INLINE_REMOTE' });
    expect((error as Error).message).toContain("tasks(new URL('./tasks.js', import.meta.url))");
  });

  it('rejects a module the worker does not allow, naming it and the allowed ones', async () => {
    const error = await cluster.pool.run(other.hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotAllowedError);
    expect(error).toMatchObject({
      code: 'PAR_TASK_NOT_ALLOWED',
      module: 'other.mjs',
      allowed: ['tasks.mjs'],
    });
    expect((error as Error).message).toContain('"other.mjs"');
    expect((error as Error).message).toContain('"tasks.mjs"');
  });

  it("rejects a task module outside the pool's root with TaskNotAllowedError naming the module, before sending anything", async () => {
    // test/helpers.ts lies beside the root (test/fixtures/), not under it
    const outside = tasks<{ square(n: number): number }>(new URL('./helpers.ts', import.meta.url));
    const before = cluster.pool.stats();
    const errors = [
      await cluster.pool.run(outside.square, 2).catch((e: unknown) => e),
      await cluster.pool.map(outside.square, [1, 2]).catch((e: unknown) => e),
      await cluster.pool
        .imap(outside.square, [1, 2])
        .next()
        .catch((e: unknown) => e),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(TaskNotAllowedError);
      expect(error).toMatchObject({
        code: 'PAR_TASK_NOT_ALLOWED',
        module: new URL('./helpers.ts', import.meta.url).href,
      });
      expect((error as Error).message).toContain(new URL('./helpers.ts', import.meta.url).href);
      expect((error as Error).message).toContain("outside the pool's root");
    }
    expect(cluster.pool.stats()).toMatchObject({
      completed: before.completed,
      failed: before.failed,
    });
  });

  it('rejects arguments above maxPayloadBytes before sending anything', async () => {
    const small = new ClusterPool({
      connection: cluster.redis.url,
      queue: 'basics',
      root,
      maxPayloadBytes: 1000,
    });
    try {
      const error = await small.run(t.echo, 'x'.repeat(2000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error).toMatchObject({ code: 'PAR_PAYLOAD_TOO_LARGE', limit: 1000 });
      const stats = await small.stats();
      expect(stats.queued + stats.active).toBe(0);
      expect(await small.run(t.echo, 'x'.repeat(100))).toBe('x'.repeat(100));
    } finally {
      await small.terminate();
    }
  });

  it('refuses arguments that would not arrive as sent with NotCloneableError naming them, before sending anything', async () => {
    class Point {
      #x = 1;
      get x() {
        return this.#x;
      }
    }
    const before = cluster.pool.stats();
    const lost = await cluster.pool.run(t.echo, { at: new Point() }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(NotCloneableError);
    expect(lost).toMatchObject({ code: 'PAR_NOT_CLONEABLE' });
    expect((lost as Error).message).toMatch(
      /`echo`.*argument 0\.at \(an instance of class Point\)/,
    );
    const fn = await cluster.pool
      .run(t.add, 1, (() => 2) as unknown as number)
      .catch((e: unknown) => e);
    expect(fn).toBeInstanceOf(NotCloneableError);
    expect((fn as Error).message).toContain('argument 1 (a function');
    // refused at the caller: no job was added, so none completed or failed
    expect(cluster.pool.stats()).toMatchObject({
      completed: before.completed,
      failed: before.failed,
      pending: 0,
    });
    const items = [0, 1, 2, Symbol('three'), 4] as unknown as number[];
    const mapped = await cluster.pool
      .map(t.square, items, { chunkSize: 2 })
      .catch((e: unknown) => e);
    expect(mapped).toBeInstanceOf(NotCloneableError);
    expect((mapped as Error).message).toContain('map item 3 (a symbol');
    const streamed = (async () => {
      for await (const _ of cluster.pool.imap(t.echo, [{}, {}, new Point()], { chunkSize: 1 }));
    })();
    const streamError = await streamed.catch((e: unknown) => e);
    expect(streamError).toBeInstanceOf(NotCloneableError);
    expect((streamError as Error).message).toContain('map item 2 (an instance of class Point)');
    const starred = await cluster.pool
      .starmap(t.add, [
        [1, 2],
        [new Point(), 4],
      ] as unknown as [number, number][])
      .catch((e: unknown) => e);
    expect(starred).toBeInstanceOf(NotCloneableError);
    expect((starred as Error).message).toContain(
      'map item 1, argument 0 (an instance of class Point)',
    );
    expect(await cluster.pool.map(t.square, [1, 2, 3, 4, 5], { chunkSize: 2 })).toEqual([
      1, 4, 9, 16, 25,
    ]);
  });

  it('rejects a result that would not arrive as returned with NotCloneableError', async () => {
    const error = await cluster.pool.run(t.counter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain('an instance of class Counter');
  });

  it('reports queue counts, its own calls and the live workers', async () => {
    const stats = await cluster.pool.stats();
    expect(stats.workers).toBe(1);
    expect(stats.capacity).toBe(2);
    expect(stats.completed).toBeGreaterThan(0);
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.pending).toBe(0);
  });

  it('stats() is synchronous: its own counts at once; awaiting it reads the queue and workers from Redis', async () => {
    const before = cluster.pool.stats();
    const call = cluster.pool.run(t.square, 5);
    expect(cluster.pool.stats().pending).toBe(before.pending + 1);
    expect(await call).toBe(25);
    const after = cluster.pool.stats();
    expect(after.completed).toBe(before.completed + 1);
    expect(after.pending).toBe(0);
    // the snapshot read when the pool connected already knows the worker
    expect(after.workers).toBe(1);
    const fresh = await cluster.pool.stats();
    expect(fresh).toMatchObject({ workers: 1, capacity: 2, queued: 0, active: 0, running: 0 });
    expect(fresh.idle).toBe(2);
    expect(fresh.utilization).toBe(0);
    expect(fresh.updatedAt).toBeGreaterThan(0);
    expect(Object.keys(cluster.pool.stats())).not.toContain('then');
    expect(await cluster.pool.fetchStats()).toMatchObject({
      workers: 1,
      completed: after.completed,
    });
  });

  it("stats() has the local pools' runTime and waitTime: percentiles of its calls' run times in the workers and of their waits for a worker", async () => {
    const latch = latchDir();
    const queue = new Queue('basics', { connection: { url: cluster.redis.url }, prefix: 'par' });
    const timed = new ClusterPool({ connection: cluster.redis.url, queue: 'basics', root });
    try {
      const none = { p50: 0, p90: 0, p99: 0 };
      expect(timed.stats()).toMatchObject({ runTime: none, waitTime: none });
      // the worker's two slots held by gated calls, and a third call waiting in Redis
      const held = [timed.run(t.gate, latch.dir, 'a'), timed.run(t.gate, latch.dir, 'b')];
      await until(
        () => latch.started('a').length + latch.started('b').length === 2,
        'both slots to be taken',
      );
      const waiting = timed.run(t.square, 3);
      await until(async () => (await queue.getWaitingCount()) === 1, 'the third call to wait');
      // its job was added before this instant; the gated calls started before it
      const seenWaiting = Date.now();
      await until(() => Date.now() - seenWaiting >= 200, '200 ms to pass');
      latch.go('a');
      latch.go('b');
      await Promise.all(held);
      expect(await waiting).toBe(9);
      const { runTime, waitTime } = timed.stats();
      // 3 samples each: both gated calls ran at least 200 ms, the third waited as long
      expect(runTime.p50).toBeGreaterThanOrEqual(200);
      expect(runTime.p99).toBeGreaterThanOrEqual(runTime.p50);
      expect(waitTime.p99).toBeGreaterThanOrEqual(200);
      // a map chunk is one call, as in the local pools: its run time counts once
      await timed.map(t.square, [1, 2, 3], { chunkSize: 3 });
      expect(timed.stats().completed).toBe(4);
    } finally {
      // the gated calls end, so close() has nothing left to wait for
      latch.go('a');
      latch.go('b');
      await timed.close();
      await queue.close();
      latch.dispose();
    }
  });

  it('sends small primitive arguments as JSON inside the job, and keeps every value exact either way', async () => {
    const idle = new ClusterPool({ connection: cluster.redis.url, queue: 'unserved', root });
    const queue = new Queue('unserved', { connection: { url: cluster.redis.url }, prefix: 'par' });
    try {
      const waiting = idle.run(t.add, 3, 4.5);
      const waitingObject = idle.run(t.echo, { x: 1 });
      await until(async () => (await queue.getWaitingCount()) === 2, 'both jobs to wait');
      const jobs = await queue.getJobs(['waiting']);
      const byName = new Map(jobs.map((job) => [job.name, job.data]));
      expect(byName.get('add')).toMatchObject({ j: [3, 4.5] });
      expect(byName.get('add')).not.toHaveProperty('a');
      expect(typeof byName.get('echo')?.a).toBe('string');
      const rejected = Promise.allSettled([waiting, waitingObject]);
      await idle.terminate();
      for (const outcome of await rejected) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'PAR_POOL_CLOSED' } });
      }
    } finally {
      await idle.terminate();
      await queue.close();
    }
    expect(Object.is(await cluster.pool.run(t.echo, -0), -0)).toBe(true);
    expect(await cluster.pool.run(t.echo, Number.NaN)).toBeNaN();
    expect(await cluster.pool.run(t.echo, 'a\u0000b')).toBe('a\u0000b');
    const plain = { a: [1, 'x', null, true], b: { c: 2.5 } };
    expect(await cluster.pool.run(t.echo, plain)).toEqual(plain);
    expect(await cluster.pool.run(t.echo, [undefined, -0])).toEqual([undefined, -0]);
    // arguments are taken when run() is called: a later change is not sent
    const argument = { x: 1 };
    const call = cluster.pool.run(t.echo, argument);
    argument.x = 2;
    expect(await call).toEqual({ x: 1 });
  });
});
