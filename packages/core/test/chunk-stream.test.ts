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
      return job;
    },
    runMs: (job) => job.ms,
    cancel(cancelled, reason) {
      cancels.push({ jobs: cancelled, reason });
      for (const job of cancelled) job.reject(reason);
    },
    ...overrides,
  };
  return { spec, jobs, cancels, submitted: submitted.promise };
}

const doubled = (job: FakeJob) => job.items.map((x) => (x as number) * 2);

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

  it('refuses a star item that is not an array of arguments', async () => {
    const { spec } = fakePool({ iterable: [[1], 2], star: true });
    await expect(chunkStream(spec).next()).rejects.toThrow(
      'starmap: every item must be an array of arguments',
    );
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
});
