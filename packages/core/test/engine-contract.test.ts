// The engine's contract, checked against an in-memory transport whose workers the
// test drives message by message (see memory-transport.ts), with fake timers where
// time matters: dispatch, batching decisions, timeouts, cancel windows, crashes and
// requeues, the broken state, release of transfer-handler resources, stats.

import { CancelledError, TimeoutError } from '@par/async';
import { QueueFull } from '@par/queue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BrokenPoolError,
  Executor,
  NotCloneableError,
  Pool,
  PoolClosedError,
  registerTransferHandler,
  unregisterTransferHandler,
  WorkerCrashedError,
} from '../src/index.js';
import { MemoryTransport, settle } from './memory-transport.js';

const square = (x: number) => x * x;

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

const pools: Pool[] = [];
/** A pool over `transport`, terminated after the test. */
function open(transport: MemoryTransport, options: object): Pool {
  const pool = new Pool(transport, options);
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

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
  it('a task with no measured run time is sent one call at a time', async () => {
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
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1]);
    w.answer([w.run(1).id, 4, 5]);
    await settle();
    w.answer([w.run(2).id, 9, 5]);
    await settle();
    w.answer([w.run(3).id, 16, 5]);
    await expect(Promise.all(calls)).resolves.toEqual([1, 4, 9, 16]);
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 1, 1]);
  });

  it('once a task is known to be short, a busy worker takes its share of the queue in one message', async () => {
    // the clock stands still: the worker answered "just now", so it is making progress
    vi.useFakeTimers({ toFake: ['performance'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const first = pool.run(square, 1);
    await settle();
    const w = transport.last;
    w.ready();
    w.answer([w.run(0).id, 1, 0.01]);
    await first;
    const calls = [2, 3, 4, 5].map((n) => pool.run(square, n));
    await settle();
    // the idle worker takes one call, then (busy, task short) the rest in one batch
    expect(w.runMessages().map((m) => m.length)).toEqual([1, 1, 3]);
    w.answer(
      ...w
        .runs()
        .slice(1)
        .map((r): [number, unknown] => [r.id, (r.args[0] as number) ** 2]),
    );
    await expect(Promise.all(calls)).resolves.toEqual([4, 9, 16, 25]);
  });
});

describe('timeouts', () => {
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

describe('cancel windows', () => {
  it('a queued call cancelled never reaches a worker', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const executor = new Executor(pool);
    const first = executor.submit(square, 1);
    const second = executor.submit(square, 2);
    await settle();
    expect(second.cancel()).toBe(true);
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    const w = transport.last;
    w.ready();
    w.answer([w.run(0).id, 1]);
    await expect(first).resolves.toBe(1);
    await settle();
    expect(w.runs().map((r) => r.args)).toEqual([[1]]);
  });

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

  it('a running call cannot be cancelled', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const executor = new Executor(pool);
    const future = executor.submit(square, 3);
    await settle();
    const w = transport.last;
    w.ready();
    expect(future.running()).toBe(true);
    expect(future.cancel()).toBe(false);
    w.answer([w.run(0).id, 9]);
    await expect(future).resolves.toBe(9);
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

  it('three workers in a row that exit before they are ready break the pool: every call rejects with BrokenPoolError', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const call = track(pool.run(square, 1));
    for (let i = 0; i < 3; i++) {
      await settle();
      transport.last.exit(1, null);
    }
    await settle();
    expect(call.state).toBe('rejected');
    expect(call.value).toBeInstanceOf(BrokenPoolError);
    await expect(pool.run(square, 2)).rejects.toBeInstanceOf(BrokenPoolError);
    expect(transport.workers).toHaveLength(3);
    expect(pool.stats().failed).toBe(2);
  });

  it('terminate() rejects queued and in-flight calls with PoolClosedError', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const running = pool.run(square, 1);
    const queued = pool.run(square, 2);
    await settle();
    transport.last.ready();
    const stopped = pool.terminate();
    await expect(running).rejects.toBeInstanceOf(PoolClosedError);
    await expect(queued).rejects.toBeInstanceOf(PoolClosedError);
    await stopped;
    expect(transport.last.terminated).toBe(true);
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
      mostQueued = Math.max(mostQueued, pool.stats().queued);
      await settle();
    }
    return mostQueued;
  }

  it('map waits for room: at most maxQueue chunks wait, and every result arrives in order', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, maxQueue: 2 });
    const items = Array.from({ length: 40 }, (_, i) => i);
    const result = pool.map(square, items, { chunkSize: 1 });
    const done = track(result);
    await settle();
    expect(pool.stats().queued).toBe(2);
    transport.last.ready();
    const mostQueued = await serve(pool, transport, done);
    expect(mostQueued).toBeLessThanOrEqual(2);
    await expect(result).resolves.toEqual(items.map((x) => x * x));
  });

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

  it('imap waits for room too', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, maxQueue: 1 });
    const items = Array.from({ length: 12 }, (_, i) => i);
    const collected = (async () => {
      const out: unknown[] = [];
      for await (const v of pool.imap(square, items, { chunkSize: 1 })) out.push(v);
      return out;
    })();
    const done = track(collected);
    await settle();
    expect(pool.stats().queued).toBeLessThanOrEqual(1);
    transport.last.ready();
    const mostQueued = await serve(pool, transport, done);
    expect(mostQueued).toBeLessThanOrEqual(1);
    await expect(collected).resolves.toEqual(items.map((x) => x * x));
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
