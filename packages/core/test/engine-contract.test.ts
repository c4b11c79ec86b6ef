// The engine's contract, checked against an in-memory transport whose workers the
// test drives message by message (see memory-transport.ts), with fake timers where
// time matters: dispatch, batching decisions, timeouts, cancel windows, crashes and
// requeues, release of transfer-handler resources, maxQueue, stats. The cases that
// hold with real timers on every transport (the broken state, cancel windows,
// terminate) are in engine-contract.ts, which runs here on in-memory workers and in
// @par/threads and @par/processes on real ones.

import { CancelledError, TimeoutError } from '@par/async';
import { QueueFull } from '@par/queue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeError } from '../src/error-codec.js';
import {
  BrokenPoolError,
  Executor,
  NotCloneableError,
  type Pool,
  PoolClosedError,
  registerTransferHandler,
  type SerializeContext,
  transfer,
  unregisterTransferHandler,
  WorkerCrashedError,
} from '../src/index.js';
import { engineOf } from '../src/internal.js';
import { Msg, TaskFlag } from '../src/protocol.js';
import { type FakeWorker, MemoryTransport, openPools, settle, square } from './memory-transport.js';

function track(promise: Promise<unknown>): { state: string; value: unknown } {
  const t = { state: 'pending', value: undefined as unknown };
  promise.then(
    (value) => {
      t.state = 'fulfilled';
      t.value = value;
    },
    (error: unknown) => {
      t.state = 'rejected';
      t.value = error;
    },
  );
  return t;
}

/** A pool over `transport`, terminated after the test. */
const open = openPools();

/**
 * A pool of one worker that has answered one call of `task` in 0.01 ms, so the
 * pool knows the task as short (run times are measured per task, across pools).
 */
async function poolWithShortTask(
  task: (x: number) => number,
): Promise<{ pool: Pool; w: FakeWorker }> {
  const transport = new MemoryTransport();
  const pool = open(transport, { maxWorkers: 1 });
  const first = pool.run(task, 1);
  await settle();
  const w = transport.last;
  w.ready();
  w.answer([w.run(0).id, 1, 0.01]);
  await first;
  return { pool, w };
}

/** Answers every call `w` was sent after its first with the square of its argument. */
function answerSquaresAfterFirst(w: FakeWorker): void {
  w.answer(
    ...w
      .runs()
      .slice(1)
      .map((r): [number, unknown] => [r.id, (r.args[0] as number) ** 2]),
  );
}

describe('dispatch', () => {
  it('a call goes to a new worker and settles with the result the worker reports', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 2 });
    const call = pool.run(square, 3);
    await settle();
    expect(transport.workers).toHaveLength(1);
    const w = transport.last;
    expect(w.runs().map((r) => r.args)).toEqual([[3]]);
    w.ready();
    w.answer([w.run(0).id, 9]);
    await expect(call).resolves.toBe(9);
    expect(pool.stats()).toMatchObject({ completed: 1, failed: 0, running: 0, queued: 0 });
  });

  it('a call an idle worker can take is posted before run() returns; the rest of a burst waits for the pump', async () => {
    // the clock stands still: the worker answered "just now", so it is making progress
    vi.useFakeTimers({ toFake: ['performance'] });
    // a task of its own: run times are measured per task, across pools
    const sq = (x: number) => x * x + 0;
    const { pool, w } = await poolWithShortTask(sq);
    const calls = [2, 3, 4].map((n) => pool.run(sq, n));
    // no microtask ran yet: the idle worker already has the first call of the burst
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1]);
    expect(w.run(1).args).toEqual([2]);
    await settle();
    // the worker is busy now, the task short: the other two follow in one batch
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 2]);
    answerSquaresAfterFirst(w);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16]);
  });

  it('the calls submitted inside together() reach an idle worker in one message once it returns', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const sq = (x: number) => x * x + 1 - 1;
    const { pool, w } = await poolWithShortTask(sq);
    const engine = engineOf(pool);
    const calls = engine.together(() => {
      const submitted = [2, 3, 4].map((n) => engine.submit(sq, [n], 0, undefined).promise);
      // nothing leaves before together() returns
      expect(w.runMessages().map((m) => m.length)).toEqual([1]);
      return submitted;
    });
    // the whole burst in one message, not its first call alone and the rest behind it
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 3]);
    await settle();
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 3]);
    answerSquaresAfterFirst(w);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16]);
  });

  it('together() splits a burst evenly over the idle workers, one message each', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const sq = (x: number) => x * x + 2 - 2;
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 2, minWorkers: 2 });
    const [a, b] = transport.workers as [FakeWorker, FakeWorker];
    a.ready();
    b.ready();
    // both workers learn the task is short
    const warm = [pool.run(sq, 1), pool.run(sq, 1)];
    await settle();
    a.answer([a.run(0).id, 1, 0.01]);
    b.answer([b.run(0).id, 1, 0.01]);
    await Promise.all(warm);
    const engine = engineOf(pool);
    const calls = engine.together(() =>
      [2, 3, 4, 5, 6].map((n) => engine.submit(sq, [n], 0, undefined).promise),
    );
    expect(a.runMessages().map((m) => m.length)).toEqual([1, 3]);
    expect(b.runMessages().map((m) => m.length)).toEqual([1, 2]);
    await settle();
    expect(a.runMessages().map((m) => m.length)).toEqual([1, 3]);
    expect(b.runMessages().map((m) => m.length)).toEqual([1, 2]);
    answerSquaresAfterFirst(a);
    answerSquaresAfterFirst(b);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16, 25, 36]);
  });

  it('together() dispatches a task with no measured run time as usual: one call to the idle worker', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, minWorkers: 1 });
    const w = transport.last;
    w.ready();
    const engine = engineOf(pool);
    const unknownTask = (x: number) => x * x + 3 - 3;
    const calls = engine.together(() =>
      [2, 3].map((n) => engine.submit(unknownTask, [n], 0, undefined).promise),
    );
    await settle();
    expect(w.runMessages().map((m) => m.length)).toEqual([1]);
    w.answer([w.run(0).id, 4, 5]);
    await settle();
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1]);
    w.answer([w.run(1).id, 9, 5]);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9]);
  });

  it('a result that arrives after the call settled is ignored (every call settles once)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: 1000 });
    const call = track(pool.run({ task: square, args: [2], timeout: 10 }));
    await settle();
    const w = transport.last;
    w.ready();
    await vi.advanceTimersByTimeAsync(10);
    expect(call.state).toBe('rejected');
    w.answer([w.run(0).id, 4]);
    await settle();
    expect(call.value).toBeInstanceOf(TimeoutError);
    expect(pool.stats()).toMatchObject({ completed: 0, failed: 1, running: 0 });
  });
});

describe('batching decisions', () => {
  it('a task with no measured run time is sent one call at a time; a long one is held one call ahead while the queue outnumbers the workers', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const calls = [1, 2, 3, 4].map((n) => pool.run(square, n));
    await settle();
    const w = transport.last;
    w.ready();
    await settle();
    expect(w.runMessages().map((m) => m.length)).toEqual([1]);
    w.answer([w.run(0).id, 1, 5]); // 5 ms: too long to batch
    await settle();
    // the next call, and one ahead of it (two still queued, one worker), each alone
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 1]);
    w.answer([w.run(1).id, 4, 5]);
    await settle();
    // one call queued for one worker: it waits for whichever worker frees first
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 1]);
    w.answer([w.run(2).id, 9, 5]);
    await settle();
    w.answer([w.run(3).id, 16, 5]);
    await expect(Promise.all(calls)).resolves.toEqual([1, 4, 9, 16]);
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 1, 1]);
  });

  it('once a task is known to be short, a busy worker takes its share of the queue in one message', async () => {
    // the clock stands still: the worker answered "just now", so it is making progress
    vi.useFakeTimers({ toFake: ['performance'] });
    const { pool, w } = await poolWithShortTask(square);
    const calls = [2, 3, 4, 5].map((n) => pool.run(square, n));
    await settle();
    // the idle worker takes one call, then (busy, task short) the rest in one batch
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 3]);
    answerSquaresAfterFirst(w);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16, 25]);
  });

  it('a burst reaching a worker idle for long goes in two messages: one call, then the rest as a batch', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { pool, w } = await poolWithShortTask(square);
    // the worker's last answer is long past: handed a call, it is making progress again
    vi.advanceTimersByTime(1000);
    const calls = [2, 3, 4, 5].map((n) => pool.run(square, n));
    await settle();
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 3]);
    answerSquaresAfterFirst(w);
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16, 25]);
  });
});

describe('maxTasksPerWorker under a flood', () => {
  /**
   * Readies every worker and answers every call until `calls` settle, checking after
   * each step that at most `maxWorkers` workers are starting and at most twice that
   * many exist (a retiring worker runs its last calls while its replacement starts).
   */
  async function driveUntilSettled(
    transport: MemoryTransport,
    calls: Promise<unknown>[],
    maxWorkers: number,
    readied: Set<FakeWorker>,
  ): Promise<void> {
    const answered = new Set<number>();
    const pending = calls.map(track);
    for (let round = 0; round < 100 && pending.some((c) => c.state === 'pending'); round++) {
      for (const w of [...transport.workers]) {
        if (w.exited) continue;
        if (!readied.has(w)) {
          readied.add(w);
          w.ready();
        }
        const open = w.runs().filter((r) => !answered.has(r.id));
        for (const r of open) answered.add(r.id);
        if (open.length > 0) {
          w.answer(...open.map((r): [number, unknown] => [r.id, (r.args[0] as number) ** 2]));
        }
      }
      await settle();
      const alive = transport.workers.filter((w) => !w.exited);
      expect(alive.filter((w) => !readied.has(w)).length).toBeLessThanOrEqual(maxWorkers);
      expect(alive.length).toBeLessThanOrEqual(2 * maxWorkers);
    }
  }

  it('maxTasksPerWorker: 1 starts at most maxWorkers workers at a time, not one per call', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 2, maxTasksPerWorker: 1 });
    const calls = Array.from({ length: 10 }, (_, i) => pool.run(square, i));
    await settle();
    // each took its one call and retires; their replacements start once they are up
    expect(transport.workers).toHaveLength(2);
    await driveUntilSettled(transport, calls, 2, new Set());
    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => i * i));
    // ten workers ran one call each; the replacements of the last ones wait idle
    const ran = transport.workers.map((w) => w.runs().length);
    expect(ran.filter((n) => n === 1)).toHaveLength(10);
    expect(ran.every((n) => n <= 1)).toBe(true);
  });

  it('a worker handed its last calls in a batch while starting is replaced once it is up', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 2, maxTasksPerWorker: 2 });
    // the pool learns that the task is short from one call on one worker
    const first = pool.run(square, 1);
    await settle();
    const a = transport.last;
    a.ready();
    a.answer([a.run(0).id, 1, 0.01]);
    await first;
    const calls = Array.from({ length: 12 }, (_, i) => pool.run(square, i + 2));
    await settle();
    // a took its last call (its replacement starts now); the replacement and a second
    // worker, both starting, took their last calls too: nothing more starts till they are up
    expect(transport.workers).toHaveLength(3);
    expect(transport.workers.map((w) => w.runs().length)).toEqual([2, 2, 2]);
    await driveUntilSettled(transport, calls, 2, new Set([a]));
    await expect(Promise.all(calls)).resolves.toEqual(
      Array.from({ length: 12 }, (_, i) => (i + 2) ** 2),
    );
    expect(transport.workers.every((w) => w.runs().length <= 2)).toBe(true);
  });
});

describe('timeouts', () => {
  it('a timeout longer than one setTimeout keeps (about 24.8 days) lasts as long as asked, as do idleTimeout and Future#result', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const max = 2 ** 31 - 1;
    const long = max + 1000;
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, idleTimeout: long });
    const call = track(pool.run({ task: square, args: [2], timeout: long }));
    await settle();
    const w = transport.last;
    w.ready();
    await vi.advanceTimersByTimeAsync(max);
    expect(call.state).toBe('pending');
    w.answer([w.run(0).id, 4]);
    await settle();
    expect(call).toEqual({ state: 'fulfilled', value: 4 });
    // idle for longer than one setTimeout keeps, not yet for idleTimeout: it stays
    await vi.advanceTimersByTimeAsync(max);
    expect(w.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(w.terminated).toBe(true);
    const future = track(new Executor(pool).submit(square, 3).result({ timeout: long }));
    await vi.advanceTimersByTimeAsync(max);
    expect(future.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(2000);
    expect(future.state).toBe('rejected');
    expect(future.value).toBeInstanceOf(TimeoutError);
  });

  it('a timeout counts running time only, aborts the task, and replaces a worker that ignores it after the grace period', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: 100 });
    const call = track(pool.run({ task: square, args: [2], timeout: 50 }));
    await settle();
    const w = transport.last;
    // the worker is still starting: the call is not running, its timeout has not started
    await vi.advanceTimersByTimeAsync(10_000);
    expect(call.state).toBe('pending');
    w.ready();
    await vi.advanceTimersByTimeAsync(49);
    expect(call.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(call.state).toBe('rejected');
    expect(call.value).toBeInstanceOf(TimeoutError);
    expect(w.aborts()).toEqual([w.run(0).id]);
    expect(w.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(w.terminated).toBe(true);
    await settle();
    expect(pool.stats()).toMatchObject({ failed: 1, running: 0, workers: 0 });
  });
});

describe('grace-period kills', () => {
  it("a worker the pool is killing after a grace period takes no more calls: a call is never blamed for another call's kill", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: 100 });
    const stuck = track(pool.run({ task: square, args: [1], timeout: 50 }));
    const next = track(pool.run({ task: square, args: [2], timeout: 1000 }));
    await settle();
    const w = transport.last;
    // the kill takes effect only when the test says so (a real worker takes a while to die)
    w.terminate = () => {
      w.terminated = true;
    };
    w.ready();
    await vi.advanceTimersByTimeAsync(50);
    expect(stuck.value).toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    expect(w.terminated).toBe(true);
    // the stuck call answers at last, before the worker is gone
    w.dropped(w.run(0).id);
    await settle();
    expect(w.runs()).toHaveLength(1); // nothing more was sent to the dying worker
    w.exit(1, null);
    await settle();
    expect(next.state).toBe('pending');
    const replacement = transport.last;
    expect(replacement).not.toBe(w);
    replacement.ready();
    replacement.answer([replacement.run(0).id, 4]);
    await settle();
    expect(next).toEqual({ state: 'fulfilled', value: 4 });
  });
});

describe('cancel windows', () => {
  it('a call sent to a worker but not started can be cancelled: the worker is told to drop it', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const executor = new Executor(pool);
    const future = executor.submit(square, 3);
    await settle();
    const w = transport.last;
    const id = w.run(0).id;
    expect(future.running()).toBe(false);
    expect(future.cancel()).toBe(true);
    await expect(future).rejects.toBeInstanceOf(CancelledError);
    expect(w.aborts()).toEqual([id]);
    w.ready();
    w.dropped(id);
    await settle();
    expect(pool.stats()).toMatchObject({ running: 0, failed: 1, completed: 0 });
    await pool.close();
  });
});

describe('which calls a worker checks for an ABORT before starting them', () => {
  it('marks Cancellable the calls with a signal, map chunks and futures, and no other call', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, concurrentTasksPerWorker: 8 });
    const executor = new Executor(pool);
    const calls = [
      pool.run(square, 1),
      pool.run({ task: square, args: [2], timeout: 60_000 }),
      pool.run({ task: square, args: [3], signal: new AbortController().signal }),
      executor.submit(square, 4),
      pool.map(square, [5, 6], { chunkSize: 2 }),
    ];
    await settle();
    const cancellable = transport.last.runs().map((r) => (r.flags & TaskFlag.Cancellable) !== 0);
    expect(cancellable).toEqual([false, false, true, true, true]);
    await pool.terminate();
    const settled = await Promise.allSettled(calls);
    expect(settled.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
  });

  it('an executor shutting down with cancelFutures leaves a plain call already sent to its worker to run', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, concurrentTasksPerWorker: 2 });
    const executor = new Executor(pool);
    const plain = pool.run(square, 3);
    const future = executor.submit(square, 4);
    await settle();
    const w = transport.last;
    const [sentPlain, sentFuture] = w.runs();
    await executor.shutdown({ cancelFutures: true, wait: false });
    await expect(future).rejects.toBeInstanceOf(CancelledError);
    // only the future is withdrawn: the worker starts the plain call without looking
    expect(w.aborts()).toEqual([sentFuture?.id]);
    w.ready();
    w.answer([sentPlain?.id as number, 9]);
    w.dropped(sentFuture?.id as number);
    expect(await plain).toBe(9);
  });
});

describe('crashes, requeues and the broken state', () => {
  it("a worker's last words decide: the calls it had started fail, the others run on its replacement", async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, concurrentTasksPerWorker: 2 });
    const a = track(pool.run(square, 1));
    const b = pool.run(square, 2);
    await settle();
    const w = transport.last;
    const ra = w.run(0);
    const rb = w.run(1);
    w.ready();
    w.fatal([ra.id]);
    await settle();
    expect(a.state).toBe('rejected');
    expect(a.value).toBeInstanceOf(WorkerCrashedError);
    expect(transport.workers).toHaveLength(2);
    const replacement = transport.last;
    expect(replacement.runs().map((r) => r.args)).toEqual([rb.args]);
    replacement.ready();
    replacement.answer([replacement.run(0).id, 4]);
    await expect(b).resolves.toBe(4);
  });
});

describe('close() and a map begun before it', () => {
  it('the map reads the rest of its async input and runs it; close() resolves after it', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* input() {
      yield 1;
      await gate; // the input is still being read when close() is called
      yield 2;
      yield 3;
    }
    const mapped = track(pool.map(square, input(), { chunkSize: 3 }));
    await settle();
    const closed = track(pool.close());
    release();
    await settle();
    await settle();
    expect(closed.state).toBe('pending');
    const w = transport.last;
    w.ready();
    w.answer([w.run(0).id, [1, 4, 9]]);
    await settle();
    expect(mapped).toEqual({ state: 'fulfilled', value: [1, 4, 9] });
    await pool.close();
    expect(closed.state).toBe('fulfilled');
    // a map begun after close() is refused, as any new work
    await expect(pool.map(square, [1])).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('an error no call can be blamed for', () => {
  it('a worker dying of an error thrown while it ran no call prints it and is replaced; nothing is rejected', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const transport = new MemoryTransport();
      const pool = open(transport, { maxWorkers: 1 });
      const first = pool.run(square, 3);
      await settle();
      const w = transport.last;
      w.ready();
      w.answer([w.run(0).id, 9]);
      await expect(first).resolves.toBe(9);
      // a timer the task left behind throws: the runtime's last words name no call
      w.events.onMessage([Msg.Fatal, serializeError(new RangeError('late')), [], 1]);
      w.exit(1, null);
      await settle();
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toContain(
        'Worker #1 of the pool died of an error thrown while it ran no call',
      );
      expect(logged.mock.calls[0]?.[1]).toMatchObject({ name: 'RangeError', message: 'late' });
      const next = pool.run(square, 4);
      await settle();
      const replacement = transport.last;
      expect(replacement).not.toBe(w);
      replacement.ready();
      replacement.answer([replacement.run(0).id, 16]);
      await expect(next).resolves.toBe(16);
      expect(pool.stats()).toMatchObject({ failed: 0, completed: 2 });
    } finally {
      logged.mockRestore();
    }
  });
});

describe('crashes: transferred objects and workers killed while starting', () => {
  it('a call whose objects moved to a worker that died never runs again, whichever form listed them', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, concurrentTasksPerWorker: 4 });
    const sum = (b: Uint8Array) => b.length;
    const bytes = () => new Uint8Array(8);
    const a = bytes();
    const b = bytes();
    const wrapped = track(pool.run(sum, transfer(a, [a.buffer])));
    const described = track(pool.run({ task: sum, args: [b], transfer: [b.buffer] }));
    const copied = pool.run(sum, bytes());
    await settle();
    const w = transport.last;
    expect(w.runs()).toHaveLength(3);
    w.ready();
    w.fatal([]); // none had started
    await settle();
    expect(wrapped.state).toBe('rejected');
    expect(wrapped.value).toBeInstanceOf(WorkerCrashedError);
    expect(described.state).toBe('rejected');
    expect(described.value).toBeInstanceOf(WorkerCrashedError);
    const replacement = transport.last;
    expect(replacement).not.toBe(w);
    expect(replacement.runs()).toHaveLength(1);
    replacement.ready();
    replacement.answer([replacement.run(0).id, 8]);
    await expect(copied).resolves.toBe(8);
  });

  it('where the transport copies what it is asked to transfer, a call that had not started runs again', async () => {
    class CopyingTransport extends MemoryTransport {
      override readonly capabilities = {
        kind: 'memory',
        sharedMemory: false,
        transfer: false,
        messagePorts: false,
      };
    }
    const transport = new CopyingTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const a = new Uint8Array(8);
    const call = pool.run((b: Uint8Array) => b.length, transfer(a, [a.buffer]));
    await settle();
    transport.last.ready();
    transport.last.fatal([]);
    await settle();
    const replacement = transport.last;
    expect(transport.workers).toHaveLength(2);
    replacement.ready();
    replacement.answer([replacement.run(0).id, 8]);
    await expect(call).resolves.toBe(8);
  });

  it('workers killed from outside (SIGKILL, SIGTERM) before they are ready are replaced after a backoff, never breaking the pool', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const call = track(pool.run(square, 3));
    await settle();
    for (const signal of ['SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGKILL', 'SIGINT']) {
      const spawned = transport.workers.length;
      transport.last.exit(null, signal);
      await settle();
      expect(transport.workers).toHaveLength(spawned); // backing off: nothing spawned yet
      await vi.runOnlyPendingTimersAsync();
      await settle();
      expect(transport.workers).toHaveLength(spawned + 1);
    }
    expect(call.state).toBe('pending');
    const w = transport.last;
    expect(w.runs().map((r) => r.args)).toEqual([[3]]);
    w.ready();
    w.answer([w.run(0).id, 9]);
    await settle();
    expect(call.value).toBe(9);
  });

  it('a worker that dies of a signal of its own (SIGABRT) before it is ready counts as a start-up failure', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const call = track(pool.run(square, 1));
    for (let i = 0; i < 3; i++) {
      await settle();
      transport.last.exit(null, 'SIGABRT');
    }
    await settle();
    expect(call.state).toBe('rejected');
    expect(call.value).toBeInstanceOf(BrokenPoolError);
  });
});

describe('requeues', () => {
  it('a call whose workers keep dying before they are ready is requeued each time (none can have started it), while other workers start, until one runs it', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 16 });
    const call = track(pool.run(square, 100));
    const holding = () =>
      transport.workers.filter((w) => !w.exited && w.runs().some((r) => r.args[0] === 100));
    const others: { worker: FakeWorker; result: Promise<number> }[] = [];
    // more rounds than the requeue limit: a requeue that is certain never counts toward it
    for (let round = 1; round <= 5; round++) {
      await settle();
      const [dying] = holding();
      if (dying === undefined) throw new Error(`no worker holds the call in round ${round}`);
      // another worker gets ready meanwhile (so the pool is not broken), busy with a call of its own
      const result = pool.run(square, round);
      await settle();
      const worker = transport.last;
      worker.ready();
      others.push({ worker, result });
      await settle();
      dying.exit(1, null);
      await settle();
      expect(call.state).toBe('pending');
    }
    await settle();
    const [last] = holding();
    if (last === undefined) throw new Error('no worker holds the call after the last round');
    last.ready();
    last.answer([last.run(0).id, 10_000]);
    for (const { worker } of others) {
      const [run] = worker.runs();
      if (run === undefined) throw new Error(`worker #${worker.id} received no call`);
      worker.answer([run.id, (run.args[0] as number) ** 2]);
    }
    await settle();
    expect(call).toEqual({ state: 'fulfilled', value: 10_000 });
    await expect(Promise.all(others.map((o) => o.result))).resolves.toEqual([1, 4, 9, 16, 25]);
  });
});

describe('intake', () => {
  it('calls rejected when they are submitted count as failed', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    await expect(
      pool.run({ task: square, args: [1], signal: AbortSignal.abort() }),
    ).rejects.toBeDefined();
    await pool.close();
    await expect(pool.run(square, 1)).rejects.toBeInstanceOf(PoolClosedError);
    expect(pool.stats().failed).toBe(2);
  });
});

class Token {
  constructor(readonly n: number) {}
}

describe('transfer-handler resources', () => {
  afterEach(() => {
    unregisterTransferHandler('test:Token');
  });

  it('a call whose message cannot be sent releases what its handlers opened', async () => {
    let released = 0;
    registerTransferHandler<Token, number>({
      name: 'test:Token',
      canHandle: (v): v is Token => v instanceof Token,
      serialize: (token, context) => {
        context.onCallSettled?.(() => released++);
        return [token.n, []];
      },
      deserialize: (n) => new Token(n),
    });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const take = (_token: Token, _fn: () => number) => 0;
    await expect(pool.run(take, new Token(1), () => 1)).rejects.toBeInstanceOf(NotCloneableError);
    expect(released).toBe(1);
  });

  it('what a handler holds for a call is withdrawn the moment its timeout passes, before the worker hears of it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const contexts: SerializeContext[] = [];
    registerTransferHandler<Token, number>({
      name: 'test:Token',
      canHandle: (v): v is Token => v instanceof Token,
      serialize: (token, context) => {
        contexts.push(context);
        return [token.n, []];
      },
      deserialize: (n) => new Token(n),
    });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: 1000 });
    const take = (_token: Token) => 0;
    const call = track(pool.run({ task: take, args: [new Token(1)], timeout: 50 }));
    await settle();
    const w = transport.last;
    w.ready();
    const context = contexts[0] as SerializeContext;
    const id = w.run(0).id;
    // the worker asked for something on the call's behalf (a queue get)
    const withdrawn: unknown[] = [];
    context.onCallGivenUp?.(id, (reason) => withdrawn.push(reason));
    const unregistered: unknown[] = [];
    const unregister = context.onCallGivenUp?.(id, (reason) => unregistered.push(reason));
    unregister?.(); // that one completed
    await vi.advanceTimersByTimeAsync(49);
    expect(withdrawn).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(call.value).toBeInstanceOf(TimeoutError);
    expect(withdrawn).toEqual([call.value]);
    expect(unregistered).toEqual([]);
    // a request of that call that arrives later is withdrawn at once
    context.onCallGivenUp?.(id, (reason) => withdrawn.push(reason));
    expect(withdrawn).toEqual([call.value, call.value]);
    expect(w.terminated).toBe(false); // still within its grace period
  });
});

describe('onWorkerExit', () => {
  afterEach(() => {
    unregisterTransferHandler('test:Token');
  });

  /** Registers a Token handler that records, per token, the exits it hears of. */
  function watchExits(): { worker: number; interrupted: boolean; token: number }[] {
    const exits: { worker: number; interrupted: boolean; token: number }[] = [];
    registerTransferHandler<Token, number>({
      name: 'test:Token',
      canHandle: (v): v is Token => v instanceof Token,
      serialize: (token, context) => {
        context.onWorkerExit?.((w) =>
          exits.push({ worker: w.workerId, interrupted: w.interrupted, token: token.n }),
        );
        return [token.n, []];
      },
      deserialize: (n) => new Token(n),
    });
    return exits;
  }

  it('runs once the receiving worker crashed, marked interrupted, before the call settles', async () => {
    const exits = watchExits();
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const take = (_token: Token) => 0;
    const call = track(pool.run(take, new Token(7)));
    await settle();
    const w = transport.last;
    w.ready();
    expect(exits).toEqual([]);
    w.fatal([w.run(0).id]);
    expect(exits).toEqual([{ worker: 1, interrupted: true, token: 7 }]);
    await settle();
    expect(call.state).toBe('rejected');
  });

  it('says not interrupted when the pool retired the worker idle', async () => {
    const exits = watchExits();
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const take = (_token: Token) => 0;
    const call = pool.run(take, new Token(3));
    await settle();
    const w = transport.last;
    w.ready();
    w.answer([w.run(0).id, 0]);
    await call;
    await pool.close();
    expect(exits).toEqual([{ worker: 1, interrupted: false, token: 3 }]);
  });
});

describe('maxQueue', () => {
  /** Answers every call the workers received and have not answered, until `done` settles. */
  async function serve(
    pool: Pool,
    transport: MemoryTransport,
    done: { state: string },
  ): Promise<number> {
    const answered = new Set<number>();
    let mostQueued = 0;
    while (done.state === 'pending') {
      for (const w of transport.workers) {
        if (w.exited) continue;
        for (const r of w.runs()) {
          if (answered.has(r.id)) continue;
          answered.add(r.id);
          const items = r.args[0] as number[];
          w.answer([r.id, Array.from(items, (x) => x * x), 5]);
        }
      }
      // maxQueue bounds the pool's own queue (stats().queued also counts the calls
      // a worker holds and has not started)
      mostQueued = Math.max(mostQueued, engineOf(pool).ledger.queued);
      await settle();
    }
    return mostQueued;
  }

  const consumers = [
    {
      name: 'map',
      maxQueue: 2,
      consume: (pool: Pool, items: number[]) => pool.map(square, items, { chunkSize: 1 }),
    },
    {
      name: 'imap',
      maxQueue: 1,
      consume: async (pool: Pool, items: number[]) => {
        const out: unknown[] = [];
        for await (const v of pool.imap(square, items, { chunkSize: 1 })) out.push(v);
        return out;
      },
    },
  ];

  it.each(consumers)(
    '$name waits for room: at most maxQueue ($maxQueue) chunks wait, and every result arrives in order',
    async ({ maxQueue, consume }) => {
      const transport = new MemoryTransport();
      const pool = open(transport, { maxWorkers: 1, maxQueue });
      const items = Array.from({ length: 40 }, (_, i) => i);
      const result = consume(pool, items);
      const done = track(result);
      await settle();
      // maxQueue chunks in the pool's queue, and one held by the worker starting up
      expect(engineOf(pool).ledger.queued).toBe(maxQueue);
      expect(pool.stats().queued).toBe(maxQueue + 1);
      transport.last.ready();
      const mostQueued = await serve(pool, transport, done);
      expect(mostQueued).toBeLessThanOrEqual(maxQueue);
      await expect(result).resolves.toEqual(items.map((x) => x * x));
    },
  );

  it('run beyond maxQueue rejects with QueueFull while map chunks wait for room', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, maxQueue: 2 });
    const result = pool.map(square, [1, 2, 3, 4, 5, 6], { chunkSize: 1 });
    await settle();
    const error = await pool.run(square, 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFull);
    expect((error as QueueFull).code).toBe('PAR_QUEUE_FULL');
    expect(pool.stats().failed).toBe(1);
    transport.last.ready();
    await serve(pool, transport, track(result));
    await expect(result).resolves.toEqual([1, 4, 9, 16, 25, 36]);
  });

  it('a map waiting for room rejects with PoolClosedError when the pool is terminated', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, maxQueue: 1 });
    const result = pool.map(square, [1, 2, 3, 4, 5], { chunkSize: 1 });
    await settle();
    await pool.terminate();
    await expect(result).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('stats', () => {
  it('queued counts the calls a worker holds and has not started, so running + queued is every call not finished', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const controller = new AbortController();
    const calls = [1, 2, 3, 4, 5, 6].map((n) =>
      pool.run({ task: square, args: [n], signal: n === 3 ? controller.signal : undefined }),
    );
    await settle();
    // the worker starting up holds one call: nothing has started yet
    expect(pool.stats()).toMatchObject({ running: 0, queued: 6 });
    const w = transport.last;
    w.ready();
    await settle();
    expect(pool.stats()).toMatchObject({ running: 1, queued: 5 });
    w.answer([w.run(0).id, 1, 150]); // 150 ms: the worker is handed one call ahead
    await settle();
    expect(w.runs()).toHaveLength(3);
    expect(pool.stats()).toMatchObject({ running: 1, queued: 4, completed: 1 });
    // the held call aborted has rejected: it is waiting no more
    controller.abort(new Error('not needed'));
    await expect(calls[2]).rejects.toThrow('not needed');
    expect(pool.stats()).toMatchObject({ running: 1, queued: 3, failed: 1 });
    w.answer([w.run(1).id, 4, 150]);
    w.dropped(w.run(2).id);
    await settle();
    expect(pool.stats()).toMatchObject({ running: 1, queued: 2, completed: 2 });
    for (let i = 3; i < 6; i++) {
      w.answer([w.run(i).id, (i + 1) ** 2, 150]);
      await settle();
    }
    await expect(Promise.all([calls[0], calls[1], calls[3], calls[4], calls[5]])).resolves.toEqual([
      1, 4, 16, 25, 36,
    ]);
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, aborting: 0, completed: 5 });
  });
});
