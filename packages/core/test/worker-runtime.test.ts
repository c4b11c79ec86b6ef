// The worker side of the engine, driven over the wire protocol by the test itself: a
// real worker thread runs the runtime, the test posts RUN messages and reads what the
// worker posts back.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Msg, Status, TaskFlag } from '../src/protocol.js';

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

/** Starts the runtime in a worker thread; resolves once it reported ready. */
async function startRuntime(
  fixture = './fixtures/runtime-worker.mjs',
  workerData?: unknown,
): Promise<{ next: () => Promise<unknown[]> }> {
  const w = new Worker(new URL(fixture, import.meta.url), { workerData });
  worker = w;
  const inbox: unknown[][] = [];
  const waiting: ((message: unknown[]) => void)[] = [];
  w.on('message', (message: unknown[]) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  });
  const next = () =>
    new Promise<unknown[]>((resolve) => {
      const message = inbox.shift();
      if (message) resolve(message);
      else waiting.push(resolve);
    });
  expect(await next()).toEqual([Msg.Ready]);
  return { next };
}

/** Resolves once `latch[index]` is no longer `value` (the worker moved it). */
async function waitForChange(latch: Int32Array, index: number, value: number): Promise<void> {
  const started = (
    Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown };
    }
  ).waitAsync(latch, index, value);
  if (started.async) await started.value;
}

/** The ids of the calls a RESULTS message reports. */
const idsOf = (message: unknown[]): unknown[] =>
  message.filter((_, i) => i % 4 === 1 && message[0] === Msg.Results);

describe('the worker runtime', () => {
  it('sends the results it holds before it starts a call of a task not known to be quick', async () => {
    const { next } = await startRuntime();
    const latch = new Int32Array(new SharedArrayBuffer(8));
    // one RUN message with two calls: a quick one, then one that blocks the worker
    // (as a call that runs out of memory or never returns would)
    const defs = [
      1,
      undefined,
      'double',
      'function double(x) { return x * 2 }',
      2,
      undefined,
      'blockFirst',
      'function blockFirst(l) { Atomics.store(l, 0, 1); Atomics.notify(l, 0); Atomics.wait(l, 1, 0); return "released" }',
    ];
    worker?.postMessage([Msg.Run, defs, 101, 1, 0, [21], 102, 2, 0, [latch]]);
    // the first call's result arrives while the second call still blocks the worker
    const first = await next();
    expect(idsOf(first)).toEqual([101]);
    expect(first.slice(1, 3)).toEqual([101, Status.Ok]);
    expect(first[3]).toBe(42);
    // the second call starts (and blocks) without waiting for anything from us
    const started = (
      Atomics as unknown as {
        waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown };
      }
    ).waitAsync(latch, 0, 0);
    if (started.async) await started.value;
    expect(Atomics.load(latch, 0)).toBe(1);
    Atomics.store(latch, 1, 1);
    Atomics.notify(latch, 1);
    const second = await next();
    expect(second.slice(0, 4)).toEqual([Msg.Results, 102, Status.Ok, 'released']);
  });

  it('sends the results it holds before it starts the last call it holds, once that task is known to take a while', async () => {
    const { next } = await startRuntime();
    const latch = new Int32Array(new SharedArrayBuffer(8));
    // a task that busy-waits `ms` on the clock, or blocks the worker until the test lets it go
    const defs = [
      1,
      undefined,
      'work',
      'function work(l, ms) { if (ms < 0) { Atomics.store(l, 0, 1); Atomics.notify(l, 0); Atomics.wait(l, 1, 0); return "released" } const end = performance.now() + ms; while (performance.now() < end); return ms }',
    ];
    // a first call takes 1 ms: the task is now known to be quick, but not instant
    worker?.postMessage([Msg.Run, defs, 201, 1, 0, [latch, 1]]);
    expect((await next()).slice(0, 4)).toEqual([Msg.Results, 201, Status.Ok, 1]);
    // two calls held at once (as the pool holds one call ahead for tasks of a few ms):
    // the pool sends the next call when a result comes back, so the first one's result
    // does not wait for the end of the last call
    worker?.postMessage([Msg.Run, 0, 202, 1, 0, [latch, 1], 203, 1, 0, [latch, -1]]);
    expect((await next()).slice(0, 4)).toEqual([Msg.Results, 202, Status.Ok, 1]);
    await waitForChange(latch, 0, 0);
    Atomics.store(latch, 1, 1);
    Atomics.notify(latch, 1);
    expect((await next()).slice(0, 4)).toEqual([Msg.Results, 203, Status.Ok, 'released']);
  });

  it('when a result in a batch does not clone, posts every other result with only its own transferables', async () => {
    const { next } = await startRuntime();
    const defs = [
      1,
      undefined,
      'ident',
      'function ident(x) { return x }',
      2,
      undefined,
      'bad',
      'function bad() { return { f: Symbol("not cloneable") } }',
    ];
    // both tasks ran once: known quick, so the three calls below share one flush
    worker?.postMessage([Msg.Run, defs, 1, 1, 0, [0], 2, 2, 0, []]);
    const seen = new Set<unknown>();
    while (seen.size < 2) for (const id of idsOf(await next())) seen.add(id);
    // two map chunks of numbers (each result a transferred Float64Array) around a bad result
    const numbers = (from: number) => Array.from({ length: 16 }, (_, i) => from + i);
    worker?.postMessage([
      Msg.Run,
      0,
      10,
      1,
      TaskFlag.Chunk,
      [numbers(100)],
      11,
      2,
      0,
      [],
      12,
      1,
      TaskFlag.Chunk,
      [numbers(200)],
    ]);
    const results = new Map<unknown, unknown[]>();
    while (results.size < 3) {
      const message = await next();
      for (let i = 1; i < message.length; i += 4) results.set(message[i], message.slice(i, i + 4));
    }
    expect(results.get(11)?.[1]).toBe(Status.Error);
    for (const [id, from] of [
      [10, 100],
      [12, 200],
    ] as const) {
      expect(results.get(id)?.[1]).not.toBe(Status.Error);
      expect(Array.from(results.get(id)?.[2] as ArrayLike<number>)).toEqual(numbers(from));
    }
  });

  it('sends the results it holds before the first map chunk of a task whose single calls are quick', async () => {
    const { next } = await startRuntime();
    const latch = new Int32Array(new SharedArrayBuffer(8));
    const defs = [
      1,
      undefined,
      'doubleOrBlock',
      'function doubleOrBlock(x) { if (typeof x === "number") return x * 2; Atomics.store(x, 0, 1); Atomics.notify(x, 0); Atomics.wait(x, 1, 0); return 0 }',
    ];
    worker?.postMessage([Msg.Run, defs, 401, 1, 0, [1]]);
    expect(idsOf(await next())).toEqual([401]);
    // a quick single call, then a chunk whose item blocks: a chunk runs many items, so a
    // quick single call says nothing of how long a chunk of the same task takes
    worker?.postMessage([Msg.Run, 0, 402, 1, 0, [21], 403, 1, TaskFlag.Chunk, [[latch]]]);
    expect((await next()).slice(0, 4)).toEqual([Msg.Results, 402, Status.Ok, 42]);
    await waitForChange(latch, 0, 0);
    Atomics.store(latch, 1, 1);
    Atomics.notify(latch, 1);
    expect(idsOf(await next())).toEqual([403]);
  });

  it("calls the port's beforeUserCode once, before the first task function runs", async () => {
    const w = new Worker(new URL('./fixtures/user-code-hook-worker.mjs', import.meta.url), {
      workerData: { workerId: 1, concurrency: 1 },
    });
    worker = w;
    const messages: unknown[][] = [];
    const results = new Promise<void>((resolve) => {
      w.on('message', (message: unknown[]) => {
        messages.push(message);
        if (message[0] === Msg.Results && message[1] === 202) resolve();
      });
    });
    const defs = [
      1,
      undefined,
      'mark',
      'function mark() { globalThis.userCodeRan = true; return 1 }',
    ];
    w.postMessage([Msg.Run, defs, 201, 1, 0, []]);
    w.postMessage([Msg.Run, 0, 202, 1, 0, []]);
    await results;
    expect(messages.map((m) => m[0])).toEqual([Msg.Ready, 'hook', Msg.Results, Msg.Results]);
    expect(messages[1]).toEqual(['hook', false]);
  });

  it("calls the port's beforeUserCode before the initializer, and not again for the first call", async () => {
    const initializer = {
      module: undefined,
      name: 'init',
      source: 'function init() { globalThis.userCodeRan = true }',
    };
    const w = new Worker(new URL('./fixtures/user-code-hook-worker.mjs', import.meta.url), {
      workerData: { workerId: 1, concurrency: 1, initializer, initArgs: [] },
    });
    worker = w;
    const messages: unknown[][] = [];
    const results = new Promise<void>((resolve) => {
      w.on('message', (message: unknown[]) => {
        messages.push(message);
        if (message[0] === Msg.Results) resolve();
      });
    });
    w.postMessage([Msg.Run, [1, undefined, 'one', 'function one() { return 1 }'], 301, 1, 0, []]);
    await results;
    expect(messages).toEqual([
      ['hook', false],
      [Msg.Ready],
      [Msg.Results, 301, Status.Ok, 1, expect.any(Number)],
    ]);
  });

  it('takes the next call waiting on a pollable port when its queue runs dry, after posting its results, without turning its event loop', async () => {
    const { next } = await startRuntime('./fixtures/polling-runtime-worker.mjs');
    const latch = new Int32Array(new SharedArrayBuffer(8));
    // the first call queues a microtask (it runs when the worker's event loop turns)
    const first = [
      1,
      undefined,
      'mark',
      'function mark() { queueMicrotask(() => { globalThis.turned = true }); return "marked" }',
    ];
    const second = [
      2,
      undefined,
      'turned',
      'function turned() { return globalThis.turned === true }',
    ];
    // the worker waits at the gate while both calls are posted: when it reads the
    // first, the second is already waiting on the port
    worker?.postMessage(['gate', latch]);
    await waitForChange(latch, 0, 0);
    worker?.postMessage([Msg.Run, first, 401, 1, 0, []]);
    worker?.postMessage([Msg.Run, second, 402, 2, 0, []]);
    Atomics.store(latch, 1, 1);
    Atomics.notify(latch, 1);
    // the first result leaves before the second call starts
    expect(await next()).toEqual([Msg.Results, 401, Status.Ok, 'marked', expect.any(Number)]);
    // the second call ran before the event loop turned: the microtask had not run yet
    expect(await next()).toEqual([Msg.Results, 402, Status.Ok, false, expect.any(Number)]);
  });

  it('after a long call, reads its port before starting a Cancellable call, and not before another call', async () => {
    const { next } = await startRuntime('./fixtures/counting-poll-runtime-worker.mjs');
    const defs = [
      1,
      undefined,
      'long',
      // longer than the 1 ms after which a worker looks for ABORTs before its next call
      'function long() { const end = performance.now() + 3; while (performance.now() < end); return globalThis.portReads }',
      2,
      undefined,
      'reads',
      'function reads() { return globalThis.portReads }',
    ];
    // one RUN: the long call, a plain call, a long call again, then a Cancellable one
    worker?.postMessage([
      Msg.Run,
      defs,
      501,
      1,
      0,
      [],
      502,
      2,
      0,
      [],
      503,
      1,
      0,
      [],
      504,
      2,
      TaskFlag.Cancellable,
      [],
    ]);
    const values = new Map<unknown, unknown>();
    while (values.size < 4) {
      const message = await next();
      for (let i = 1; i < message.length; i += 4) values.set(message[i], message[i + 2]);
    }
    const [afterLong, plain, afterLongAgain, cancellable] = [501, 502, 503, 504].map((id) =>
      values.get(id),
    ) as number[];
    expect(plain).toBe(afterLong);
    expect(afterLongAgain).toBe(plain);
    expect(cancellable).toBeGreaterThan(afterLongAgain as number);
  });

  describe('spin-polling for the next message after answering', () => {
    // A quick call that returns how often the worker read its port so far. Each call
    // comes alone, after the answer to the one before and a pause longer than the
    // worker's first re-measurement of the machine (50 ms) and than any spin, so that
    // between two calls the worker reads its port once when its queue runs dry, and
    // more often only if it spun.
    const reads = [1, undefined, 'reads', 'function reads() { return globalThis.portReads }'];
    async function readsBetweenCalls(machine: { loadIdle: boolean; procIdle: boolean }) {
      const { next } = await startRuntime('./fixtures/counting-poll-runtime-worker.mjs', machine);
      const seen: number[] = [];
      for (let id = 601; id <= 604; id++) {
        worker?.postMessage([Msg.Run, id === 601 ? reads : [], id, 1, 0, []]);
        const message = await next();
        expect(idsOf(message)).toEqual([id]);
        seen.push(message[3] as number);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return seen.slice(1).map((n, i) => n - (seen[i] as number));
    }

    it('spins when the CPU counters show a core nobody else uses, whatever the load average says', async () => {
      // the first call is judged by the load average (one sample of the counters is no
      // measurement yet), every later one by the counters
      const [afterFirst, ...afterLater] = await readsBetweenCalls({
        loadIdle: false,
        procIdle: true,
      });
      expect(afterFirst).toBe(1);
      for (const n of afterLater) expect(n).toBeGreaterThanOrEqual(2);
    });

    it('does not spin when the CPU counters show every core busy, whatever the load average says', async () => {
      const [afterFirst, ...afterLater] = await readsBetweenCalls({
        loadIdle: true,
        procIdle: false,
      });
      expect(afterFirst).toBeGreaterThanOrEqual(2);
      expect(afterLater).toEqual([1, 1]);
    });
  });

  it('reports the results of a long run of quick calls at least every 8 ms of work, so the pool can top its queue up before it runs dry', async () => {
    const { next } = await startRuntime('./fixtures/polling-runtime-worker.mjs');
    // 80 calls that each take at least 250 µs (a busy wait on the clock), in one message
    const defs = [
      1,
      undefined,
      'spin',
      'function spin(us) { const end = performance.now() + us / 1000; while (performance.now() < end); return us }',
    ];
    const calls = Array.from({ length: 80 }, (_, i) => [500 + i, 1, 0, [250]]).flat();
    worker?.postMessage([Msg.Run, defs, ...calls]);
    const sizes: number[] = [];
    for (let received = 0; received < 80; ) {
      const message = await next();
      const ids = idsOf(message);
      sizes.push(ids.length);
      received += ids.length;
    }
    // more than 8 ms of work (33 calls) never waits in the worker for the next message
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(80);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(33);
  });

  it('reports the failures of a long run of quick calls at least every 8 ms of work, as it does results', async () => {
    const { next } = await startRuntime('./fixtures/polling-runtime-worker.mjs');
    // 80 calls that each take at least 250 µs (a busy wait on the clock), then throw
    const defs = [
      1,
      undefined,
      'spinThenThrow',
      'function spinThenThrow(us) { const end = performance.now() + us / 1000; while (performance.now() < end); throw new Error("after " + us) }',
    ];
    const calls = Array.from({ length: 80 }, (_, i) => [600 + i, 1, 0, [250]]).flat();
    worker?.postMessage([Msg.Run, defs, ...calls]);
    const sizes: number[] = [];
    for (let received = 0; received < 80; ) {
      const message = await next();
      const ids = idsOf(message);
      for (let i = 2; i < message.length; i += 4) expect(message[i]).toBe(Status.Error);
      sizes.push(ids.length);
      received += ids.length;
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(80);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(33);
  });
});
