import { CancelledError } from '@par/async';
import { deferred } from '@par/async/internal';
import { describe, expect, it } from 'vitest';
import { type ChunkJob, type ChunkStreamSpec, chunkStream } from '../src/chunk-stream.js';

/** A chunk the test settles by hand. */
interface FakeJob extends ChunkJob {
  items: unknown[];
  resolve(values: unknown[]): void;
  reject(error: unknown): void;
  ms: number;
}

/** A pool whose chunks wait until the test settles them; records what happens. */
function fakePool(overrides: Partial<ChunkStreamSpec<FakeJob>> & { iterable: unknown }) {
  const jobs: FakeJob[] = [];
  const cancels: { jobs: FakeJob[]; reason: unknown }[] = [];
  const submitted = deferred<void>();
  const jobWaiters: { count: number; resolve: () => void }[] = [];
  /** Resolves once `count` chunks were sent. */
  const whenJobs = (count: number): Promise<void> => {
    if (jobs.length >= count) return Promise.resolve();
    const d = deferred<void>();
    jobWaiters.push({ count, resolve: d.resolve });
    return d.promise;
  };
  const spec: ChunkStreamSpec<FakeJob> = {
    ordered: true,
    star: false,
    chunkSize: 2,
    bufferSize: undefined,
    workers: 1,
    signal: undefined,
    submit(items) {
      const d = deferred<unknown>();
      const job: FakeJob = {
        promise: d.promise,
        items,
        resolve: d.resolve,
        reject: d.reject,
        ms: Number.NaN,
      };
      jobs.push(job);
      submitted.resolve();
      for (const w of jobWaiters) if (jobs.length >= w.count) w.resolve();
      return job;
    },
    runMs: (job) => job.ms,
    cancel(cancelled, reason) {
      cancels.push({ jobs: cancelled, reason });
      for (const job of cancelled) job.reject(reason);
    },
    ...overrides,
  };
  return { spec, jobs, cancels, submitted: submitted.promise, whenJobs };
}

const doubled = (job: FakeJob) => job.items.map((x) => (x as number) * 2);

/** Lets every pending microtask run (the fake pool settles nothing by itself). */
const quiet = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An async iterator whose `next()` after `items` never settles, as an async
 * generator waiting for something that never comes; records `return()` calls,
 * which, as an async generator's, never settle either while `next()` is pending.
 */
function stallingInput(items: unknown[]) {
  const state = { returned: 0, reads: 0 };
  const iterable = {
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          const i = state.reads++;
          return i < items.length
            ? Promise.resolve({ value: items[i], done: false as const })
            : new Promise<IteratorResult<unknown>>(() => {});
        },
        return: () => {
          state.returned++;
          return new Promise<IteratorResult<unknown>>(() => {});
        },
      };
    },
  };
  return { iterable, state };
}

describe('chunkStream()', () => {
  it('yields the results in input order when chunks finish out of order', async () => {
    const { spec, jobs } = fakePool({ iterable: [1, 2, 3, 4, 5] });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    expect(jobs.map((j) => j.items)).toEqual([[1, 2], [3, 4], [5]]);
    jobs[2]?.resolve(doubled(jobs[2] as FakeJob));
    jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    const out = [(await first).value];
    for await (const v of it) out.push(v);
    expect(out).toEqual([2, 4, 6, 8, 10]);
  });

  it('yields the results of the chunk that finished first when unordered', async () => {
    const { spec, jobs } = fakePool({ iterable: [1, 2, 3, 4], ordered: false });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
    expect((await first).value).toBe(6);
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    const rest: unknown[] = [];
    for await (const v of it) rest.push(v);
    expect(rest).toEqual([8, 2, 4]);
  });

  it('reads no more than bufferSize items ahead of the consumer', async () => {
    let read = 0;
    function* input() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const { spec, jobs } = fakePool({ iterable: input(), chunkSize: 2, bufferSize: 4 });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    expect(jobs.length).toBe(2);
    expect(read).toBe(4);
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(0);
    await it.return(undefined);
  });

  it('cancels the pending chunks at once when the signal aborts, while the consumer is not waiting', async () => {
    const controller = new AbortController();
    const { spec, jobs, cancels } = fakePool({
      iterable: [1, 2, 3, 4, 5, 6],
      signal: controller.signal,
    });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(2);
    // the consumer holds its item and has not asked for the next one
    const reason = new Error('stop');
    controller.abort(reason);
    expect(cancels).toEqual([{ jobs: [jobs[1], jobs[2]], reason }]);
    await expect(it.next()).rejects.toBe(reason);
    expect(cancels.length).toBe(1);
  });

  it('cancels the pending chunks with a CancelledError, once, when the consumer leaves the loop', async () => {
    const { spec, jobs, cancels } = fakePool({ iterable: [1, 2, 3, 4] });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(2);
    await it.return(undefined);
    expect(cancels.length).toBe(1);
    expect(cancels[0]?.jobs).toEqual([jobs[1]]);
    expect(cancels[0]?.reason).toBeInstanceOf(CancelledError);
  });

  it("closes the input when the loop ends before the input's end", async () => {
    let closed = false;
    const input = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next: () => ({ value: i++, done: false }),
          return: () => {
            closed = true;
            return { value: undefined, done: true as const };
          },
        };
      },
    };
    const { spec, jobs } = fakePool({ iterable: input, bufferSize: 2 });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    await first;
    await it.return(undefined);
    expect(closed).toBe(true);
  });

  it('rejects with the error of a failed chunk', async () => {
    const { spec, jobs } = fakePool({ iterable: [1, 2, 3] });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    const error = new TypeError('boom');
    jobs[0]?.reject(error);
    await expect(first).rejects.toBe(error);
  });

  it('refuses a star item that is not an array of arguments, after the results of the items before it', async () => {
    let closed = false;
    function* input() {
      try {
        yield [1];
        yield 2;
        yield [3];
      } finally {
        closed = true;
      }
    }
    const { spec, jobs } = fakePool({ iterable: input(), star: true, chunkSize: 1 });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    expect(jobs.map((j) => j.items)).toEqual([[[1]]]);
    jobs[0]?.resolve([10]);
    expect((await first).value).toBe(10);
    await expect(it.next()).rejects.toThrow('starmap: every item must be an array of arguments');
    expect(closed).toBe(true);
  });

  it.each([
    ['an iterable', false],
    ['an async iterable', true],
  ])(
    'an error thrown by %s fails the stream after the results of the items before it, as in Python',
    async (_, asyncInput) => {
      const error = new RangeError('the input broke');
      function* items() {
        yield 1;
        yield 2;
        throw error;
      }
      async function* asyncItems() {
        yield* items();
      }
      const { spec, jobs, whenJobs } = fakePool({
        iterable: asyncInput ? asyncItems() : items(),
        chunkSize: 1,
      });
      const it = chunkStream(spec);
      const first = it.next();
      await whenJobs(2);
      jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
      jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
      expect((await first).value).toBe(2);
      expect((await it.next()).value).toBe(4);
      await expect(it.next()).rejects.toBe(error);
      expect(jobs.length).toBe(2);
    },
  );

  it('an error thrown by the input comes after the results that finished before it when unordered', async () => {
    const error = new RangeError('the input broke');
    const gate = deferred<void>();
    async function* input() {
      yield 1;
      yield 2;
      await gate.promise;
      throw error;
    }
    const { spec, jobs, cancels, whenJobs } = fakePool({
      iterable: input(),
      chunkSize: 1,
      ordered: false,
    });
    const it = chunkStream(spec);
    const first = it.next();
    await whenJobs(2);
    jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
    expect((await first).value).toBe(4);
    gate.resolve();
    // the first item's chunk had not finished when the input failed
    await expect(it.next()).rejects.toBe(error);
    expect(cancels).toEqual([{ jobs: [jobs[0]], reason: expect.any(CancelledError) }]);
  });

  it('grows adaptive chunks of a stream from one item as the run times come back', async () => {
    function* input() {
      for (let i = 0; i < 8; i++) yield i;
    }
    // bufferSize 4 on one worker: chunks of at most 2 items
    const { spec, jobs } = fakePool({ iterable: input(), chunkSize: 'auto', bufferSize: 4 });
    const it = chunkStream(spec);
    const first = it.next();
    await Promise.resolve();
    expect(jobs.map((j) => j.items.length)).toEqual([1, 1, 1, 1]);
    // a chunk of one item that ran 0.01 ms: the next chunk doubles
    (jobs[0] as FakeJob).ms = 0.01;
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    await first;
    const second = it.next();
    await Promise.resolve();
    expect(jobs[4]?.items).toEqual([4, 5]);
    jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
    expect((await second).value).toBe(2);
    await it.return(undefined);
  });

  it('waits for room before sending a chunk to a pool that has none', async () => {
    let room = false;
    const roomFreed = deferred<void>();
    const { spec, jobs, submitted } = fakePool({
      iterable: [1, 2],
      room: { has: () => room, when: () => roomFreed.promise },
    });
    const first = chunkStream(spec).next();
    await Promise.resolve();
    expect(jobs.length).toBe(0);
    room = true;
    roomFreed.resolve();
    await submitted;
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(2);
  });

  it.each([
    ['imap', true],
    ['imapUnordered', false],
  ])(
    '%s yields a result while the input is still waiting for its next item',
    async (_, ordered) => {
      const gate = deferred<void>();
      let finished = false;
      async function* input() {
        yield 1;
        await gate.promise;
        yield 2;
        finished = true;
      }
      const { spec, jobs, whenJobs } = fakePool({ iterable: input(), chunkSize: 'auto', ordered });
      const it = chunkStream(spec);
      const first = it.next();
      await whenJobs(1);
      jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
      // the input still holds its second item back
      expect((await first).value).toBe(2);
      expect(finished).toBe(false);
      gate.resolve();
      const second = it.next();
      await whenJobs(2);
      jobs[1]?.resolve(doubled(jobs[1] as FakeJob));
      expect((await second).value).toBe(4);
      expect(await it.next()).toEqual({ value: undefined, done: true });
      expect(finished).toBe(true);
    },
  );

  it.each([
    ['imap', true],
    ['imapUnordered', false],
  ])(
    '%s over an input that yields its next item only once the previous result was consumed does not deadlock',
    async (_, ordered) => {
      let consumed = deferred<void>();
      async function* input() {
        for (let i = 1; i <= 4; i++) {
          yield i;
          await consumed.promise;
          consumed = deferred<void>();
        }
      }
      // chunks of 2: the chunk being filled goes once the consumer has nothing else to wait for
      const { spec, jobs, whenJobs } = fakePool({ iterable: input(), chunkSize: 2, ordered });
      const out: unknown[] = [];
      const it = chunkStream(spec);
      for (let i = 1; i <= 4; i++) {
        const next = it.next();
        await whenJobs(i);
        expect(jobs[i - 1]?.items).toEqual([i]);
        jobs[i - 1]?.resolve(doubled(jobs[i - 1] as FakeJob));
        out.push((await next).value);
        consumed.resolve();
      }
      expect(await it.next()).toEqual({ value: undefined, done: true });
      expect(out).toEqual([2, 4, 6, 8]);
    },
  );

  it('reads no more than bufferSize items of an async input ahead of the consumer, also while the consumer holds a result', async () => {
    let read = 0;
    async function* input() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield i;
      }
    }
    const { spec, jobs, whenJobs } = fakePool({ iterable: input(), chunkSize: 1, bufferSize: 3 });
    const it = chunkStream(spec);
    const first = it.next();
    await whenJobs(3);
    await quiet();
    expect(read).toBe(3);
    expect(jobs.length).toBe(3);
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(0);
    // the consumer holds its first result: the next item is read meanwhile, and no more
    await whenJobs(4);
    await quiet();
    expect(read).toBe(4);
    expect(jobs.length).toBe(4);
    await it.return(undefined);
  });

  it('a chunk the pool refuses while the consumer is away fails the stream after the results before it', async () => {
    const refused = new TypeError('not taken');
    let closed = false;
    async function* input() {
      try {
        yield* [1, 2, 3];
      } finally {
        closed = true;
      }
    }
    const pool = fakePool({ iterable: input(), chunkSize: 1 });
    const submit = pool.spec.submit;
    pool.spec.submit = (items, offset) => {
      if (items[0] === 2) throw refused;
      return submit(items, offset);
    };
    const it = chunkStream(pool.spec);
    const first = it.next();
    await pool.whenJobs(1);
    pool.jobs[0]?.resolve(doubled(pool.jobs[0] as FakeJob));
    expect((await first).value).toBe(2);
    await expect(it.next()).rejects.toBe(refused);
    expect(pool.jobs.length).toBe(1);
    expect(closed).toBe(true);
  });

  it('aborts at once, cancelling the pending chunks and closing the input, while the input never gives its next item', async () => {
    const controller = new AbortController();
    const { iterable, state } = stallingInput([1]);
    const { spec, jobs, cancels, whenJobs } = fakePool({
      iterable,
      chunkSize: 1,
      signal: controller.signal,
    });
    const it = chunkStream(spec);
    const first = it.next();
    await whenJobs(1);
    expect(state.reads).toBe(2); // the second next() never settles
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(cancels).toEqual([{ jobs: [jobs[0]], reason }]);
    expect(state.returned).toBe(1);
  });

  it('leaving the loop while the input never gives its next item cancels the pending chunks and closes the input without waiting', async () => {
    const { iterable, state } = stallingInput([1, 2]);
    const { spec, jobs, cancels, whenJobs } = fakePool({ iterable, chunkSize: 1 });
    const it = chunkStream(spec);
    const first = it.next();
    await whenJobs(2);
    jobs[0]?.resolve(doubled(jobs[0] as FakeJob));
    expect((await first).value).toBe(2);
    expect(state.reads).toBe(3);
    expect(await it.return(undefined)).toEqual({ value: undefined, done: true });
    expect(cancels).toEqual([{ jobs: [jobs[1]], reason: expect.any(CancelledError) }]);
    expect(state.returned).toBe(1);
  });
});
