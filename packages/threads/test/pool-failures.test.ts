import { TimeoutError as AsyncTimeoutError } from '@par/async';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThreadPool, TimeoutError, transfer, WorkerCrashedError } from '../dist/index.js';
import {
  blockThenExit,
  blockUntilReleased,
  byteSum,
  countRun,
  freezePoolClock,
  latch,
  reached,
  release,
  t,
  until,
} from './pool-helpers.js';

let pool: ThreadPool;
afterEach(async () => {
  vi.useRealTimers();
  await pool?.terminate();
});

describe('a worker that dies', () => {
  it('rejects a task that calls process.exit() with WorkerCrashedError and the exit code', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = (await pool.run(t.exitWith, 7).catch((e: unknown) => e)) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.code).toBe('PAR_WORKER_CRASHED');
    expect(error.exitCode).toBe(7);
    expect(error.signal).toBeNull();
    expect(error.workerId).toBe(1);
    expect(error.task).toMatchObject({ name: 'exitWith' });
    expect(error.message).toContain('`exitWith`');
  });

  it('replaces the worker and keeps serving after a crash', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const before = await pool.run(t.whoami);
    await expect(pool.run(t.exitWith, 1)).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(pool.run(t.square, 3)).resolves.toBe(9);
    expect(await pool.run(t.whoami)).not.toBe(before);
    expect(pool.stats().workers).toBe(1);
  });

  it('rejects with the error thrown from a timer as the cause', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = (await pool.run(t.throwFromTimer).catch((e: unknown) => e)) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toContain('thrown from a timer');
    expect((error.cause as Error).message).toBe('thrown from a timer');
    await expect(pool.run(t.square, 4)).resolves.toBe(16);
  });

  it('rejects a task that runs out of memory under resourceLimits', async () => {
    pool = new ThreadPool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const error = (await pool
      .run(t.allocateForever)
      .catch((e: unknown) => e)) as WorkerCrashedError;
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toMatch(/out of memory/);
    await expect(pool.run(t.square, 5)).resolves.toBe(25);
  }, 60_000);

  it('requeues calls that had not started on a worker that crashed', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const crash = pool.run(t.exitWith, 2);
    const after = [pool.run(t.square, 2), pool.run(t.square, 3)];
    await expect(crash).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(Promise.all(after)).resolves.toEqual([4, 9]);
  });

  // Both calls wait in the worker behind a task that blocks, then exits: neither
  // started, but their buffers moved to the dead worker, so neither may run again.
  it.each([
    [
      'the transfer() wrapper',
      (bytes: Uint8Array) => pool.run(byteSum, transfer(bytes, [bytes.buffer])),
    ],
    [
      'the descriptor form { transfer }',
      (bytes: Uint8Array) => pool.run({ task: byteSum, args: [bytes], transfer: [bytes.buffer] }),
    ],
  ])(
    'rejects, never re-runs, a call whose buffers moved to a worker that crashed (%s)',
    async (_form, send) => {
      pool = new ThreadPool({ maxWorkers: 1, concurrentTasksPerWorker: 3 });
      const l = latch();
      const crash = pool.run(blockThenExit, l);
      await reached(l, 0);
      const bytes = new Uint8Array(64).fill(3);
      const moved = send(bytes);
      await until(() => bytes.byteLength === 0); // posted: the buffer is the worker's now
      // copied, not moved: this one waits in the same worker and is safely re-run
      const plain = pool.run(byteSum, new Uint8Array(4).fill(1));
      await until(() => pool.stats().queued === 0);
      release(l);
      await expect(crash).rejects.toBeInstanceOf(WorkerCrashedError);
      const error = (await moved.catch((e: unknown) => e)) as WorkerCrashedError;
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(error.exitCode).toBe(9);
      await expect(plain).resolves.toBe(4);
      expect(pool.stats().completed).toBe(1);
    },
  );
});

describe('timeout', () => {
  it('rejects with TimeoutError and terminates a task that ignores its signal', async () => {
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 10 });
    const error = await pool
      .run({ task: t.spinForever, args: [], timeout: 20 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('PAR_TIMEOUT');
    // the stuck worker is replaced after the grace period
    await expect(pool.run(t.square, 6)).resolves.toBe(36);
  });

  it('aborts the task signal with the TimeoutError, so the task can stop by itself', async () => {
    // The timeout's clock is faked: it passes only once the task is known to run, so a
    // busy machine cannot make it pass before the worker started the task.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 60_000 });
    const l = latch();
    const call = pool.run({ task: t.waitForAbort, args: [l], timeout: 30 });
    const rejected = expect(call).rejects.toBeInstanceOf(TimeoutError);
    await reached(l, 0);
    await vi.advanceTimersByTimeAsync(30);
    await rejected;
    await reached(l, 2);
    expect(Atomics.load(l, 2)).toBe(2);
    // the worker stopped on its own: it is still the same one
    expect(pool.stats().workers).toBe(1);
    await expect(pool.run(t.square, 2)).resolves.toBe(4);
  });

  it('counts running time only, not time in the queue', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const first = pool.run(t.block, l);
    const second = pool.run({ task: t.square, args: [3], timeout: 50 });
    await reached(l, 0);
    // the second call waits behind the blocked one for far longer than its timeout
    await vi.advanceTimersByTimeAsync(10_000);
    release(l);
    await expect(first).resolves.toBe('released');
    await expect(second).resolves.toBe(9);
  });

  it('uses the pool default timeout when a call has none', async () => {
    pool = new ThreadPool({ maxWorkers: 1, timeout: 20, gracePeriod: 10 });
    await expect(pool.run(t.spinForever)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects with the TimeoutError of @par/async (PAR_TIMEOUT) and keeps serving', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const error = await pool.run({ task: t.spinForever, args: [], timeout: 50 }).catch((e) => e);
    expect(TimeoutError).toBe(AsyncTimeoutError);
    expect(error).toBeInstanceOf(AsyncTimeoutError);
    expect(error.code).toBe('PAR_TIMEOUT');
    expect(await pool.run(t.square, 6)).toBe(36);
  }, 30_000);
});

describe('abort', () => {
  it('rejects at once with signal.reason for an already aborted signal', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const reason = new Error('stop');
    await expect(
      pool.run({ task: t.square, args: [1], signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('removes a queued call that is aborted: it never runs', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const counter = latch();
    const controller = new AbortController();
    const blocker = pool.run(t.block, l);
    await reached(l, 0);
    const queued = pool.run({ task: t.count, args: [counter, 'ran'], signal: controller.signal });
    controller.abort(new Error('not needed'));
    await expect(queued).rejects.toThrow('not needed');
    release(l);
    await blocker;
    await expect(pool.run(t.count, counter, 'after')).resolves.toBe('after');
    expect(Atomics.load(counter, 0)).toBe(1);
  });

  it('delivers the abort to a running task through taskSignal()', async () => {
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 60_000 });
    const l = latch();
    const controller = new AbortController();
    const call = pool.run({ task: t.waitForAbort, args: [l], signal: controller.signal });
    await reached(l, 0);
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await reached(l, 2);
    expect(Atomics.load(l, 2)).toBe(1);
  });

  it('terminates a running task that ignores the abort after the grace period', async () => {
    pool = new ThreadPool({ maxWorkers: 1, gracePeriod: 10 });
    const controller = new AbortController();
    const l = latch();
    const call = pool.run({ task: t.spinAfterStart, args: [l], signal: controller.signal });
    await reached(l, 0);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pool.run(t.square, 7)).resolves.toBe(49);
  });

  it('taskSignal() belongs to the task across await', async () => {
    pool = new ThreadPool({ maxWorkers: 1 });
    await expect(pool.run(t.signalAfterAwait)).resolves.toBe(true);
  });

  it('never runs a call whose signal aborts while it waits in a busy worker', async () => {
    freezePoolClock();
    pool = new ThreadPool({ maxWorkers: 1 });
    const l = latch();
    const counter = latch();
    // a quick call with a known run time goes to a busy worker at once (pipelined)
    await pool.run(countRun, latch(), 1);
    const busy = pool.run(blockUntilReleased, l);
    const controller = new AbortController();
    const waiting = pool.run({ task: countRun, args: [counter, 2], signal: controller.signal });
    await reached(l, 0);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    release(l);
    expect(await busy).toBe('released');
    expect(await pool.run(countRun, counter, 3)).toBe(9);
    expect(Atomics.load(counter, 0)).toBe(1);
  });
});

describe('one AbortSignal shared by many calls', () => {
  it('aborts every waiting call with its reason, without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      pool = new ThreadPool({ maxWorkers: 1 });
      const l = latch();
      const busy = pool.run(t.block, l);
      await reached(l, 0);
      const controller = new AbortController();
      const calls = Array.from({ length: 30 }, (_, i) =>
        pool.run({ task: t.square, args: [i], signal: controller.signal }).catch((e: unknown) => e),
      );
      const reason = new Error('stop');
      controller.abort(reason);
      expect((await Promise.all(calls)).every((r) => r === reason)).toBe(true);
      release(l);
      await expect(busy).resolves.toBe('released');
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
