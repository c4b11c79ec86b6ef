import { asCompleted, CancelledError } from '@par/async';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Future, PoolClosedError, ThreadPoolExecutor, TimeoutError } from '../dist/index.js';
import {
  blockUntilReleased,
  countRun,
  freezePoolClock,
  latch,
  reached,
  release,
  t,
} from './pool-helpers.js';

let executor: ThreadPoolExecutor;
afterEach(async () => {
  vi.useRealTimers();
  await executor?.shutdown({ cancelFutures: true });
});

describe('ThreadPoolExecutor#submit', () => {
  it('returns an awaitable Future of the result', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const future = executor.submit(t.square, 5);
    expect(future).toBeInstanceOf(Future);
    await expect(future).resolves.toBe(25);
    expect(future.done()).toBe(true);
    expect(future.running()).toBe(false);
  });

  it('works with asCompleted from @par/async', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const futures = [1, 2, 3, 4].map((n) => executor.submit(t.square, n));
    const seen: number[] = [];
    for await (const value of asCompleted(futures)) seen.push(value);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 4, 9, 16]);
  });

  it('cancel() succeeds while queued: the call never runs', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const counter = latch();
    const blocker = executor.submit(t.block, l);
    await reached(l, 0);
    expect(blocker.running()).toBe(true);
    const queued = executor.submit(t.count, counter, 'ran');
    expect(queued.running()).toBe(false);
    expect(queued.cancel()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    expect(queued.done()).toBe(true);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    release(l);
    await blocker;
    expect(Atomics.load(counter, 0)).toBe(0);
  });

  it('cancel() fails once the call is running', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const future = executor.submit(t.block, l);
    await reached(l, 0);
    expect(future.running()).toBe(true);
    expect(future.cancel()).toBe(false);
    expect(future.cancelled()).toBe(false);
    release(l);
    await expect(future).resolves.toBe('released');
  });

  it('result() and exception() report the outcome', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ok = executor.submit(t.square, 3);
    const bad = executor.submit(t.fail, 'nope');
    await expect(ok.result()).resolves.toBe(9);
    await expect(ok.exception()).resolves.toBeUndefined();
    await expect(bad.exception()).resolves.toMatchObject({ message: 'nope' });
    await expect(bad.result()).rejects.toThrow('nope');
  });

  it("exception() returns the call's own TimeoutError; its own wait's timeout, abort and bad options reject", async () => {
    // every call of this executor may run 50 ms: this one waits for its signal instead
    const limited = new ThreadPoolExecutor({ maxWorkers: 1, timeout: 50 });
    try {
      const timedOut = limited.submit(t.waitForAbort, latch());
      await expect(timedOut.exception()).resolves.toBeInstanceOf(TimeoutError);
    } finally {
      await limited.shutdown();
    }
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const running = executor.submit(t.block, l);
    await reached(l, 0);
    await expect(running.exception({ timeout: -5 })).rejects.toThrow(RangeError);
    await expect(running.exception({ timeout: 10 })).rejects.toThrow(
      new TimeoutError('The future did not finish within 10 ms'),
    );
    const reason = new Error('stop waiting');
    await expect(running.exception({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    release(l);
    await expect(running.exception()).resolves.toBeUndefined();
  });

  it('result({ timeout }) rejects with TimeoutError while the call keeps running', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const future = executor.submit(t.block, l);
    await reached(l, 0);
    await expect(future.result({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    release(l);
    await expect(future.result()).resolves.toBe('released');
  });

  it('addDoneCallback runs once the future is done', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const future = executor.submit(t.square, 4);
    // (wrapped in an array: a Future is thenable, so resolving with it would adopt its value)
    const done = new Promise<[Future<number>]>((resolve) =>
      future.addDoneCallback((f) => resolve([f])),
    );
    expect((await done)[0]).toBe(future);
    const late = new Promise<[Future<number>]>((resolve) =>
      future.addDoneCallback((f) => resolve([f])),
    );
    expect((await late)[0]).toBe(future);
  });

  it('a done callback that throws is logged and ignored, as in Python; the next callback still runs', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const future = executor.submit(t.square, 5);
      const boom = new Error('callback failed');
      future.addDoneCallback(() => {
        throw boom;
      });
      const next = new Promise<number>((resolve) =>
        future.addDoneCallback((f) => void f.result().then(resolve)),
      );
      await expect(next).resolves.toBe(25);
      expect(logged).toHaveBeenCalledWith('Exception calling a done callback of a Future:', boom);
    } finally {
      logged.mockRestore();
    }
  });

  it('a failed future never causes an unhandled rejection by itself', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const future = executor.submit(t.fail, 'ignored');
    await executor.shutdown();
    expect(future.done()).toBe(true);
  });

  it('submit after shutdown gives a future rejected with PoolClosedError', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await executor.shutdown();
    await expect(executor.submit(t.square, 1)).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('gives a thenable Future that cannot be cancelled once done', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const future = executor.submit(t.square, 4);
    expect(typeof future.then).toBe('function');
    expect(future.cancelled()).toBe(false);
    expect(await future).toBe(16);
    expect(future.done()).toBe(true);
    expect(future.running()).toBe(false);
    expect(future.cancel()).toBe(false);
  });

  it('a future waiting in a busy worker is not running() and can be cancelled; it never runs', async () => {
    freezePoolClock();
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const counter = latch();
    try {
      // a quick call with a known run time goes to a busy worker at once (pipelined)
      await executor.submit(countRun, latch(), 1);
      const busy = executor.submit(blockUntilReleased, l);
      const queued = executor.submit(countRun, counter, 2);
      await reached(l, 0);
      expect(busy.running()).toBe(true);
      expect(queued.running()).toBe(false);
      expect(queued.cancel()).toBe(true);
      expect(queued.cancelled()).toBe(true);
      expect(queued.done()).toBe(true);
      await expect(queued).rejects.toBeInstanceOf(CancelledError);
      release(l);
      expect(await busy).toBe('released');
      // the worker answers in order: once a later call ran, the cancelled one was skipped
      expect(await executor.submit(countRun, counter, 3)).toBe(9);
      expect(Atomics.load(counter, 0)).toBe(1);
    } finally {
      release(l);
    }
  });
});

describe('ThreadPoolExecutor#map', () => {
  it('yields results in input order over several iterables, stopping at the shortest', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    const out: number[] = [];
    for await (const sum of executor.map(t.add, [1, 2, 3], [10, 20, 30, 40])) out.push(sum);
    expect(out).toEqual([11, 22, 33]);
  });

  it('yields nothing without iterables, as Python (zip of nothing)', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const out: unknown[] = [];
    for await (const r of (executor.map as (task: unknown) => AsyncIterable<unknown>)(t.add)) {
      out.push(r);
      if (out.length === 3) break; // it used to call add() with no arguments for ever
    }
    expect(out).toEqual([]);
  });

  it('rejects an input that is not iterable with a TypeError naming its position', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const consume = async () => {
      for await (const _ of executor.map(t.add, [1], 42 as unknown as number[])) void _;
    };
    await expect(consume()).rejects.toThrow(
      new TypeError('Expected iterable 2 of `map` to be an iterable or async iterable, got number'),
    );
  });

  it('re-raises the task error at the failing item', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const fn = (x: number) => {
      if (x === 2) throw new Error('two');
      return x;
    };
    const out: number[] = [];
    const consume = async () => {
      for await (const r of executor.map(fn, [0, 1, 2, 3])) out.push(r);
    };
    await expect(consume()).rejects.toThrow('two');
    expect(out).toEqual([0, 1]);
  });

  it('yields a result while an iterable is still waiting for its next item', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    let open = () => {};
    const held = new Promise<void>((resolve) => {
      open = resolve;
    });
    async function* tens() {
      yield 10;
      await held;
      yield 20;
    }
    const it = executor.map(t.add, [1, 2], tens());
    expect(await it.next()).toEqual({ value: 11, done: false });
    open();
    const rest: number[] = [];
    for await (const sum of it) rest.push(sum);
    expect(rest).toEqual([22]);
  });
});

describe('ThreadPoolExecutor#shutdown', () => {
  it('waits for pending futures by default', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const futures = [1, 2, 3].map((n) => executor.submit(t.delayed, n, 2));
    await executor.shutdown();
    expect(futures.every((f) => f.done())).toBe(true);
    await expect(Promise.all(futures)).resolves.toEqual([1, 2, 3]);
  });

  it('cancelFutures cancels the queued ones and lets the running one finish', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const running = executor.submit(t.block, l);
    await reached(l, 0);
    const queued = [executor.submit(t.square, 1), executor.submit(t.square, 2)];
    const shutdown = executor.shutdown({ cancelFutures: true });
    expect(queued.every((f) => f.cancelled())).toBe(true);
    release(l);
    await shutdown;
    await expect(running).resolves.toBe('released');
    await expect(queued[0]).rejects.toBeInstanceOf(CancelledError);
    // cancel() on a future already cancelled returns true, as Python's; on a finished one false
    expect(queued.every((f) => f.cancel())).toBe(true);
    expect(running.cancel()).toBe(false);
  });

  it("shutdown() refuses an unknown option (Python's cancel_futures) with a TypeError naming it", async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await expect(executor.shutdown({ cancel_futures: true } as never)).rejects.toThrow(
      new TypeError(
        'Unknown option `cancel_futures` in `options` (expected wait, cancelFutures): did you mean `cancelFutures`?',
      ),
    );
  });

  it('[Symbol.asyncDispose] shuts down and waits', async () => {
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const future = executor.submit(t.delayed, 'x', 2);
    await executor[Symbol.asyncDispose]();
    expect(future.done()).toBe(true);
    expect(executor.stats().workers).toBe(0);
  });

  it('cancelFutures cancels futures waiting in a busy worker; they never run', async () => {
    freezePoolClock();
    executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const l = latch();
    const counter = latch();
    // a quick call with a known run time goes to a busy worker at once (pipelined)
    await executor.submit(countRun, latch(), 1);
    const busy = executor.submit(blockUntilReleased, l);
    const queued = [executor.submit(countRun, counter, 2), executor.submit(countRun, counter, 3)];
    await reached(l, 0);
    const shutdown = executor.shutdown({ cancelFutures: true });
    for (const future of queued) expect(future.cancelled()).toBe(true);
    release(l);
    await shutdown;
    expect(await busy).toBe('released');
    for (const future of queued) await expect(future).rejects.toBeInstanceOf(CancelledError);
    expect(Atomics.load(counter, 0)).toBe(0);
  });
});
