import { afterAll, describe, expect, it } from 'vitest';
import {
  delayed,
  type FailedCallInfo,
  NotCloneableError,
  Parallel,
  PoolClosedError,
  parallelConfig,
  TimeoutError,
  taskSignal,
} from '../src/index.js';
import { closeSharedBackends } from '../src/shared-backends.js';
import { countingInput, deferred, t, waitForFlag } from './helpers.js';

// one-shot Parallel runs reuse process-wide pools; this file's must not outlive it
afterAll(closeSharedBackends);

const heavyTask = (x: number) => {
  let s = 0;
  for (let i = 0; i <= x; i++) s += i;
  return s;
};

describe('Parallel', () => {
  it('runs the joblib tutorial one-liner the @par way', async () => {
    const inputs = Array.from({ length: 10 }, (_, i) => i);
    const results = await Parallel({ nJobs: 4 })(inputs.map((x) => delayed(heavyTask)(x)));
    expect(results).toEqual(inputs.map(heavyTask));
  });

  it('runs task references and keeps input order', async () => {
    const results = await Parallel({ nJobs: 2 })([3, 1, 2].map((x) => delayed(t.square)(x)));
    expect(results).toEqual([9, 1, 4]);
  });

  it('gives identical results on every backend, mixing functions in one input', async () => {
    const calls = () => [
      ...Array.from({ length: 20 }, (_, i) => delayed(t.square)(i)),
      delayed(t.add)(2, 3),
      delayed(t.asyncDouble)(21),
    ];
    const expected = [...Array.from({ length: 20 }, (_, i) => i * i), 5, 42];
    for (const backend of ['threads', 'processes', 'async', 'sequential']) {
      await expect(Parallel({ nJobs: 2, backend })(calls()), backend).resolves.toEqual(expected);
    }
  });

  it('accepts an async iterable of delayed calls', async () => {
    async function* input() {
      for (let i = 0; i < 5; i++) yield delayed(t.square)(i);
    }
    await expect(Parallel({ nJobs: 2 })(input())).resolves.toEqual([0, 1, 4, 9, 16]);
  });

  it('runs any function (closures too) on the async backend', async () => {
    const offset = 100;
    const results = await Parallel({ nJobs: 3, backend: 'async' })(
      [1, 2, 3].map((x) => delayed(async (y: number) => y + offset)(x)),
    );
    expect(results).toEqual([101, 102, 103]);
  });

  it('runs at most nJobs calls at once on the async backend', async () => {
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 6 }, () => deferred());
    const started: number[] = [];
    const fn = async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      started.push(i);
      await gates[i]?.promise;
      running--;
      return i;
    };
    const run = Parallel({ nJobs: 2, backend: 'async', batchSize: 1, preDispatch: 'all' })(
      [0, 1, 2, 3, 4, 5].map((i) => delayed(fn)(i)),
    );
    await expect.poll(() => started.length).toBe(2);
    for (const gate of gates) gate.resolve();
    await expect(run).resolves.toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('resolves an empty input to an empty array', async () => {
    await expect(Parallel({ nJobs: 2 })([])).resolves.toEqual([]);
  });

  it('rejects an input that is not iterable, and items that are not delayed calls', async () => {
    await expect(Parallel({ nJobs: 2 })(42 as never)).rejects.toThrow(TypeError);
    await expect(Parallel({ nJobs: 2 })([{ nope: 1 }] as never)).rejects.toThrow(
      /item 0 of the input to be a delayed call/,
    );
  });
});

describe('Parallel options', () => {
  it('validates options when built', () => {
    expect(() => Parallel({ nJobs: 0 })).toThrow(RangeError);
    expect(() => Parallel({ nJobs: 0.5 })).toThrow(RangeError);
    expect(() => Parallel({ nJobs: '2' as never })).toThrow(TypeError);
    expect(() => Parallel({ backend: 'loky' })).toThrow(RangeError);
    expect(() => Parallel({ backend: 'loky' })).toThrow(/backend/);
    expect(() => Parallel({ returnAs: 'list' as never })).toThrow(RangeError);
    expect(() => Parallel({ returnAs: 1 as never })).toThrow(RangeError);
    expect(() => Parallel({ backend: 42 as never })).toThrow(RangeError);
    expect(() => Parallel({ batchSize: 0 })).toThrow(RangeError);
    expect(() => Parallel({ batchSize: 'big' as never })).toThrow(RangeError);
    expect(() => Parallel({ preDispatch: '2*cores' })).toThrow(RangeError);
    expect(() => Parallel({ preDispatch: 0 })).toThrow(RangeError);
    expect(() => Parallel({ timeout: -1 })).toThrow(RangeError);
    expect(() => Parallel({ signal: {} as never })).toThrow(TypeError);
    expect(() => Parallel({ verbose: 'yes' as never })).toThrow(TypeError);
    expect(() => Parallel({ onProgress: 1 as never })).toThrow(TypeError);
    expect(() => Parallel({ prefer: 'gpu' as never })).toThrow(RangeError);
    expect(() => Parallel({ require: 'gil' as never })).toThrow(RangeError);
    expect(() => new Parallel({ nJobs: 2, maxWorkerz: 3 })).toThrow(/maxWorkerz/);
  });

  it('rejects null for batchSize, preDispatch and returnAs instead of taking the default', () => {
    expect(() => Parallel({ nJobs: 2, batchSize: null as never })).toThrow(RangeError);
    expect(() => Parallel({ nJobs: 2, batchSize: null as never })).toThrow(/batchSize/);
    expect(() => Parallel({ nJobs: 2, returnAs: null as never })).toThrow(RangeError);
    expect(() => Parallel({ nJobs: 2, preDispatch: null as never })).toThrow(TypeError);
    parallelConfig({ batchSize: null as never }, () => {
      expect(() => Parallel({ nJobs: 2 })).toThrow(RangeError);
    });
    // an explicit null does not fall back to the parallelConfig value either
    parallelConfig({ batchSize: 4 }, () => {
      expect(() => Parallel({ nJobs: 2, batchSize: null as never })).toThrow(RangeError);
    });
  });

  it('floors a non-integer nJobs and resolves negative values from the CPU count', async () => {
    const { cpuCount } = await import('../dist/index.js');
    await using a = new Parallel({ nJobs: 2.7 });
    expect(a.nJobs).toBe(2);
    await using b = new Parallel({ nJobs: -1, backend: 'async' });
    expect(b.nJobs).toBe(cpuCount());
    await using c = new Parallel({ nJobs: -cpuCount() - 5, backend: 'async' });
    expect(c.nJobs).toBe(1);
  });

  it('nJobs: 1 runs a plain loop in the calling thread (even a closure)', async () => {
    await using p = new Parallel({ nJobs: 1, backend: 'processes' });
    expect(p.backend).toBe('sequential');
    const seen: number[] = [];
    const results = await p([1, 2].map((x) => delayed((y: number) => seen.push(y))(x)));
    expect(results).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
  });

  it('warns once that timeout is ignored by a plain loop', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const run = Parallel({ nJobs: 1, timeout: 10 });
      await run([delayed(t.square)(2)]);
      await run([delayed(t.square)(3)]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((m) => m.includes('timeout')).length).toBe(1);
  });
});

describe('Parallel failures', () => {
  it('rejects with the original error: class, message, own properties and the failing call', async () => {
    const error = await Parallel({ nJobs: 2, batchSize: 1 })(
      [1, 2, 3, 4].map((x) => delayed(t.failOn)(x, 3)),
    ).then(
      () => undefined,
      (e: unknown) => e as RangeError & { input: number; parallelCall: FailedCallInfo },
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error?.message).toBe('bad input 3');
    expect(error?.input).toBe(3);
    expect(error?.parallelCall.index).toBe(2);
    expect(error?.parallelCall.args).toEqual([3, 3]);
  });

  it('rejects a non-cloneable argument with NotCloneableError, naming the call', async () => {
    const error = await Parallel({ nJobs: 2 })([
      delayed(t.square)(1),
      delayed(t.add)(1, (() => 2) as unknown as number),
    ]).then(
      () => undefined,
      (e: unknown) => e as Error & { parallelCall: FailedCallInfo },
    );
    expect(error).toBeInstanceOf(NotCloneableError);
    expect(error?.parallelCall.index).toBe(1);
  });

  it('names the delayed call and the argument that could not be cloned, in batches of several calls', async () => {
    for (const backend of ['threads', 'processes']) {
      const starmapped = await Parallel({ nJobs: 2, backend, batchSize: 2 })([
        delayed(t.add)(1, 2),
        delayed(t.add)(1, Symbol('second') as unknown as number),
        delayed(t.add)(3, 4),
        delayed(t.add)(5, 6),
      ]).then(
        () => undefined,
        (e: unknown) => e as Error & { parallelCall: FailedCallInfo },
      );
      expect(starmapped, backend).toBeInstanceOf(NotCloneableError);
      expect(starmapped?.message).toMatch(
        /^Task `add` \(.*tasks\.mjs\): argument 1 of call 1 could not be sent to the worker: Symbol\(second\)/,
      );
      expect(starmapped?.parallelCall.index).toBe(1);
      // one argument per call: the calls travel through map
      const mapped = await Parallel({ nJobs: 2, backend, batchSize: 2 })([
        delayed(t.square)(1),
        delayed(t.square)(2),
        delayed(t.square)(3),
        delayed(t.square)((() => 4) as unknown as number),
      ]).then(
        () => undefined,
        (e: unknown) => e as Error & { parallelCall: FailedCallInfo },
      );
      expect(mapped, backend).toBeInstanceOf(NotCloneableError);
      expect(mapped?.message).toMatch(/argument 0 of call 3 could not be sent to the worker/);
      expect(mapped?.parallelCall.index).toBe(3);
    }
  });

  it('rejects with the original error on the async backend (same object)', async () => {
    const original = new SyntaxError('nope');
    const fail = async () => {
      throw original;
    };
    await expect(Parallel({ nJobs: 2, backend: 'async' })([delayed(fail)()])).rejects.toBe(
      original,
    );
  });

  it('cancels the running calls at the first failure (their task signal aborts)', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const error = await Parallel({ nJobs: 2, batchSize: 1 })([
      delayed(t.waitForAbort)(flags),
      delayed(t.failAfterStart)(flags),
    ]).then(
      () => undefined,
      (e: unknown) => e as Error & { extra: unknown },
    );
    expect(error?.name).toBe('CustomError');
    expect(error?.extra).toEqual({ code: 42 });
    // the other call was running; it stops because its signal aborted
    await waitForFlag(flags, 0);
    expect(Atomics.load(flags, 0)).toBe(1);
  });

  it('replaces a worker whose call does not stop within the grace period', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    await using parallel = new Parallel({ nJobs: 2, batchSize: 1, gracePeriod: 100 });
    await expect(
      parallel([delayed(t.spinAfterStart)(flags), delayed(t.failAfterStart)(flags)]),
    ).rejects.toThrow('failed on purpose');
    // both workers are free again: two calls that must run at the same time meet
    const counter = new Int32Array(new SharedArrayBuffer(4));
    await expect(
      parallel([delayed(t.meet)(counter, 2), delayed(t.meet)(counter, 2)]),
    ).resolves.toEqual([2, 2]);
  });

  it('stops reading the input and closes it at the first failure', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const { state, input } = countingInput((i) =>
      i === 0
        ? delayed(t.waitForAbort)(flags)
        : i === 1
          ? delayed(t.failAfterStart)(flags)
          : delayed(t.square)(i),
    );
    await expect(Parallel({ nJobs: 2, batchSize: 1, preDispatch: 2 })(input)).rejects.toThrow(
      'failed on purpose',
    );
    expect(state.closed).toBe(true);
    // the two running calls filled the window: nothing else was read
    expect(state.read).toBe(2);
  });

  it('rejects with signal.reason when the run signal aborts', async () => {
    const controller = new AbortController();
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const run = Parallel({ nJobs: 2, signal: controller.signal })([delayed(t.waitForAbort)(flags)]);
    await waitForFlag(flags, 1);
    const reason = new Error('stop now');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await waitForFlag(flags, 0);
    expect(Atomics.load(flags, 0)).toBe(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const reason = new Error('already');
    await expect(
      Parallel({ nJobs: 2, signal: AbortSignal.abort(reason) })([delayed(t.square)(1)]),
    ).rejects.toBe(reason);
  });

  it('rejects a call that runs longer than timeout with TimeoutError', async () => {
    await expect(
      Parallel({ nJobs: 2, timeout: 50 })([
        delayed(t.sleepMs)(60_000, 'late'),
        delayed(t.square)(2),
      ]),
    ).rejects.toBeInstanceOf(TimeoutError);
  });

  it('applies timeout to each call, not to a batch, with a fixed batchSize', async () => {
    // 1000 calls of one function in batches of 500: a batch's limit of 500 × 100 ms
    // would let the first call sleep for 50 s; its own limit stops it after 100 ms
    const calls = Array.from({ length: 1000 }, (_, i) =>
      delayed(t.sleepMs)(i === 0 ? 60_000 : 0, i),
    );
    for (const backend of ['threads', 'processes']) {
      await expect(
        Parallel({ nJobs: 2, backend, batchSize: 500, timeout: 100 })(calls),
        backend,
      ).rejects.toBeInstanceOf(TimeoutError);
    }
  }, 20_000);

  describe('in-thread backends: a call they stop sees its taskSignal() abort', () => {
    /** A call that reports its task signal, then waits until that signal aborts. */
    const waitingCall = () => {
      const started = deferred<AbortSignal>();
      const fn = async () => {
        const signal = taskSignal();
        started.resolve(signal);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return 'stopped';
      };
      return { started: started.promise, fn };
    };

    it('the async backend aborts a running call at the first failure, with the run reason', async () => {
      const { started, fn } = waitingCall();
      const failure = new RangeError('failed on purpose');
      const fail = async () => {
        await started;
        throw failure;
      };
      await expect(
        Parallel({ nJobs: 2, backend: 'async' })([delayed(fn)(), delayed(fail)()]),
      ).rejects.toBe(failure);
      const signal = await started;
      expect(signal.aborted).toBe(true);
      expect((signal.reason as Error).name).toBe('CancelledError');
    });

    it('the async backend aborts a running call whose timeout passed, with TimeoutError', async () => {
      const { started, fn } = waitingCall();
      await expect(
        Parallel({ nJobs: 2, backend: 'async', timeout: 20 })([delayed(fn)()]),
      ).rejects.toBeInstanceOf(TimeoutError);
      const signal = await started;
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(TimeoutError);
    });

    it.each(['async', 'sequential'])(
      'the %s backend aborts a running call with signal.reason when the run signal aborts',
      async (backend) => {
        const { started, fn } = waitingCall();
        const controller = new AbortController();
        const run = Parallel({ nJobs: 2, backend, signal: controller.signal })([delayed(fn)()]);
        const signal = await started;
        expect(signal.aborted).toBe(false);
        const reason = new Error('stop now');
        controller.abort(reason);
        await expect(run).rejects.toBe(reason);
        expect(signal.aborted).toBe(true);
        expect(signal.reason).toBe(reason);
      },
    );

    it('a call the async backend lets finish keeps a signal that never aborted', async () => {
      const seen: AbortSignal[] = [];
      const fn = async (x: number) => {
        seen.push(taskSignal());
        await Promise.resolve();
        return x * 2;
      };
      await expect(
        Parallel({ nJobs: 2, backend: 'async' })([delayed(fn)(1), delayed(fn)(2)]),
      ).resolves.toEqual([2, 4]);
      expect(seen).toHaveLength(2);
      expect(seen[0]).not.toBe(seen[1]);
      expect(seen.every((s) => !s.aborted)).toBe(true);
    });
  });

  it('applies timeout per call on the async backend', async () => {
    const never = () => new Promise<never>(() => undefined);
    await expect(
      Parallel({ nJobs: 2, backend: 'async', timeout: 20 })([delayed(never)()]),
    ).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('Parallel returnAs generators', () => {
  it("returns an AsyncIterable directly and yields in input order with 'generator'", async () => {
    const results = Parallel({ nJobs: 2, returnAs: 'generator' })(
      [4, 5, 6].map((x) => delayed(t.square)(x)),
    );
    expect(typeof results[Symbol.asyncIterator]).toBe('function');
    expect(results).not.toBeInstanceOf(Promise);
    const seen: number[] = [];
    for await (const r of results) seen.push(r);
    expect(seen).toEqual([16, 25, 36]);
  });

  it("yields in completion order with 'generator_unordered'", async () => {
    const gate = deferred<string>();
    const slow = () => gate.promise;
    const fast = async () => 'fast';
    const results = Parallel({
      nJobs: 2,
      backend: 'async',
      batchSize: 1,
      returnAs: 'generator_unordered',
    })([delayed(slow)(), delayed(fast)()]);
    const seen: string[] = [];
    for await (const r of results) {
      seen.push(r);
      if (r === 'fast') gate.resolve('slow');
    }
    expect(seen).toEqual(['fast', 'slow']);
  });

  it('starts work only at the first next()', async () => {
    const { state, input } = countingInput((i) => delayed(t.square)(i), 4);
    const results = Parallel({ nJobs: 2, returnAs: 'generator' })(input);
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.read).toBe(0);
    const first = await results.next();
    expect(first).toEqual({ value: 0, done: false });
    await results.return?.();
  });

  it('reads a generator input lazily, bounded by preDispatch, with a slow consumer', async () => {
    const { state, input } = countingInput((i) => delayed(t.square)(i));
    const results = Parallel({
      nJobs: 2,
      batchSize: 1,
      preDispatch: 3,
      returnAs: 'generator',
    })(input);
    let consumed = 0;
    for await (const value of results) {
      expect(value).toBe(consumed * consumed);
      consumed++;
      // read-ahead never exceeds what was consumed plus preDispatch
      expect(state.read).toBeLessThanOrEqual(consumed + 3);
      if (consumed === 20) break;
    }
    expect(state.closed).toBe(true);
  });

  it('bounds the read-ahead of auto batches by what the consumer took, however fast the calls', async () => {
    const { state, input } = countingInput((i) => delayed(async (x: number) => x)(i));
    const sizes: number[] = [];
    const results = Parallel({
      nJobs: 2,
      backend: 'async',
      preDispatch: 4,
      returnAs: 'generator',
      onBatchSize: (d) => sizes.push(d.batchSize),
    })(input);
    const iterator = results[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toEqual({ value: 0, done: false });
    // let the run go as far as it will without the consumer: the async backend's
    // calls finish within turns of the event loop, so the reads stop changing
    let last = -1;
    while (state.read !== last) {
      last = state.read;
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    // one batch taken: the batch size grew once, to 2, and at most preDispatch
    // batches of it are read and not yet consumed
    expect(state.read - 1).toBeLessThanOrEqual(4 * 2);
    expect(sizes).toEqual([2]);
    await iterator.return?.();
    expect(state.closed).toBe(true);
  });

  it('leaving the loop early closes the input and cancels pending calls', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const { state, input } = countingInput((i) =>
      i === 0 ? delayed(t.square)(7) : delayed(t.waitForAbort)(flags),
    );
    const results = Parallel({ nJobs: 2, batchSize: 1, returnAs: 'generator_unordered' })(input);
    for await (const r of results) {
      expect(r).toBe(49);
      await waitForFlag(flags, 1); // a waitForAbort call is running
      break;
    }
    expect(state.closed).toBe(true);
    await waitForFlag(flags, 0); // and it was aborted
    expect(Atomics.load(flags, 0)).toBe(1);
  });

  it('a failure rejects the pending next() with the original error', async () => {
    const results = Parallel({ nJobs: 2, returnAs: 'generator' })([delayed(t.failOn)(1, 1)]);
    await expect(results.next()).rejects.toThrow('bad input 1');
    await expect(results.next()).resolves.toEqual({ value: undefined, done: true });
  });
});

describe('Parallel instances', () => {
  it('keeps its workers between calls', async () => {
    await using parallel = new Parallel({ nJobs: 2, batchSize: 1 });
    const first = await parallel([delayed(t.pid)(), delayed(t.bump)()]);
    const second = await parallel([delayed(t.bump)(), delayed(t.bump)()]);
    expect(first[0]).toBe(process.pid);
    // a reused worker counts on
    expect(Math.max(...second)).toBeGreaterThan(1);
  });

  it('rejects a call while it runs with PAR_PARALLEL_BUSY, and is usable again after', async () => {
    await using parallel = new Parallel({ nJobs: 2, backend: 'async' });
    const gate = deferred<number>();
    const first = parallel([delayed(() => gate.promise)()]);
    await expect(parallel([delayed(t.square)(2)])).rejects.toMatchObject({
      code: 'PAR_PARALLEL_BUSY',
    });
    gate.resolve(1);
    await expect(first).resolves.toEqual([1]);
    await expect(parallel([delayed(t.square)(3)])).resolves.toEqual([9]);
  });

  it('rejects the first next() of a generator while it runs', async () => {
    const parallel = new Parallel({ nJobs: 2, backend: 'async', returnAs: 'generator' });
    const gate = deferred<number>();
    const first = parallel([delayed(() => gate.promise)()]);
    const pending = first.next();
    const second = parallel([delayed(t.square)(2)]);
    await expect(second.next()).rejects.toMatchObject({ code: 'PAR_PARALLEL_BUSY' });
    gate.resolve(5);
    await expect(pending).resolves.toEqual({ value: 5, done: false });
    await parallel[Symbol.asyncDispose]();
  });

  it('each call of the one-shot form is independent (never busy)', async () => {
    const run = Parallel({ nJobs: 2, backend: 'async' });
    const gate = deferred<number>();
    const first = run([delayed(() => gate.promise)()]);
    const second = run([delayed(t.square)(4)]);
    await expect(second).resolves.toEqual([16]);
    gate.resolve(1);
    await expect(first).resolves.toEqual([1]);
  });

  it('rejects calls after dispose with PoolClosedError', async () => {
    const parallel = new Parallel({ nJobs: 2 });
    await parallel[Symbol.asyncDispose]();
    await expect(parallel([delayed(t.square)(2)])).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('disposing while a generator is read ends the iteration with PoolClosedError', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const parallel = new Parallel({ nJobs: 2, batchSize: 1, returnAs: 'generator' });
    const results = parallel([delayed(t.square)(3), delayed(t.waitForAbort)(flags)]);
    await expect(results.next()).resolves.toEqual({ value: 9, done: false });
    await waitForFlag(flags, 1);
    const next = expect(results.next()).rejects.toBeInstanceOf(PoolClosedError);
    await parallel[Symbol.asyncDispose]();
    await next;
  });
});

describe('Parallel backend options', () => {
  it('passes options Parallel does not know to the pool (here: env)', async () => {
    for (const backend of ['threads', 'processes']) {
      const [value] = await Parallel({ nJobs: 2, backend, env: { ...process.env, COLOR: 'teal' } })(
        [delayed(t.env)('COLOR')],
      );
      expect(value, backend).toBe('teal');
    }
  });
});

describe('Parallel process-wide pool', () => {
  it('a one-shot call reuses the idle pool of the same backend, size and options', async () => {
    const first = await Parallel({ nJobs: 2, batchSize: 1 })([
      delayed(t.bump)(),
      delayed(t.bump)(),
    ]);
    const second = await Parallel({ nJobs: 2, batchSize: 1 })([
      delayed(t.bump)(),
      delayed(t.bump)(),
    ]);
    expect(first.length).toBe(2);
    expect(Math.max(...second)).toBeGreaterThan(1);
    // other options: fresh workers
    const fresh = await Parallel({ nJobs: 2, batchSize: 1, idleTimeout: 5_000 })([
      delayed(t.bump)(),
    ]);
    expect(fresh).toEqual([1]);
  });

  it('never keeps the program alive', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      import { Parallel, delayed, tasks } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const t = tasks(${JSON.stringify(new URL('./fixtures/tasks.mjs', import.meta.url).href)});
      const r = await Parallel({ nJobs: 2 })([delayed(t.square)(3), delayed(t.square)(4)]);
      console.log(JSON.stringify(r));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000, // safety net only: the assertion is that it exits by itself
    });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('[9,16]');
  });
});
