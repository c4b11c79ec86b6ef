import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
} from '../src/index.js';

type Kind = 'fifo' | 'lifo' | 'priority';
const make = (kind: Kind, maxsize: number): Queue<number> =>
  kind === 'fifo'
    ? new Queue<number>({ maxsize })
    : kind === 'lifo'
      ? new LifoQueue<number>({ maxsize })
      : new PriorityQueue<number>({ maxsize });

// A reference model of one kind of queue: an array and the rule for which
// element comes out next (priority: the lowest, the earliest among equals).
function modelTake(kind: Kind, items: number[]): number {
  let index: number;
  if (kind === 'fifo') index = 0;
  else if (kind === 'lifo') index = items.length - 1;
  else {
    index = 0;
    for (let i = 1; i < items.length; i++) {
      if ((items[i] as number) < (items[index] as number)) index = i;
    }
  }
  return items.splice(index, 1)[0] as number;
}

const kindArb = fc.constantFrom<Kind>('fifo', 'lifo', 'priority');

describe('queue properties', () => {
  it('synchronous operations match a reference model for every kind (order, size, full, join count)', () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('put' as const), value: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ type: fc.constant('get' as const) }),
      fc.record({ type: fc.constant('done' as const) }),
    );
    fc.assert(
      fc.property(
        kindArb,
        fc.integer({ min: 0, max: 5 }),
        fc.array(op, { maxLength: 200 }),
        (kind, maxsize, ops) => {
          const queue = make(kind, maxsize);
          const model: number[] = [];
          const limit = maxsize === 0 ? Number.POSITIVE_INFINITY : maxsize;
          let unfinished = 0;
          for (const o of ops) {
            if (o.type === 'put') {
              if (model.length >= limit) {
                expect(() => queue.putNowait(o.value)).toThrow(QueueFull);
              } else {
                queue.putNowait(o.value);
                model.push(o.value);
                unfinished++;
              }
            } else if (o.type === 'get') {
              if (model.length === 0) expect(() => queue.getNowait()).toThrow(QueueEmpty);
              else expect(queue.getNowait()).toBe(modelTake(kind, model));
            } else if (unfinished === 0) {
              expect(() => queue.taskDone()).toThrow(RangeError);
            } else {
              queue.taskDone();
              unfinished--;
            }
            expect(queue.size).toBe(model.length);
            expect(queue.empty()).toBe(model.length === 0);
            expect(queue.full()).toBe(model.length >= limit);
          }
        },
      ),
    );
  });

  it('priority queues are stable: equal keys come out in the order they were put', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 100 }), (keys) => {
        const queue = new PriorityQueue<{ key: number; seq: number }>({
          compare: (a, b) => a.key - b.key,
        });
        keys.forEach((key, seq) => {
          queue.putNowait({ key, seq });
        });
        const out: { key: number; seq: number }[] = [];
        while (!queue.empty()) out.push(queue.getNowait());
        const expected = keys
          .map((key, seq) => ({ key, seq }))
          .sort((a, b) => a.key - b.key || a.seq - b.seq);
        expect(out).toEqual(expected);
      }),
    );
  });

  it('concurrent producers and consumers lose nothing, duplicate nothing, and FIFO keeps put order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        kindArb,
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 12 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 4 }),
        async (s, kind, maxsize, producers, consumerCount) => {
          const queue = make(kind, maxsize);
          const putOrder: number[] = [];
          const takeOrder: number[] = [];
          const total = producers.reduce((n, p) => n + p.length, 0);
          // distinct ids so that loss and duplication are visible
          let nextId = 0;
          const ids = producers.map((items) => items.map((v) => v * 1000 + nextId++));
          let remaining = total;
          const producing = ids.map(async (items) => {
            for (const item of items) {
              await s.schedule(Promise.resolve(), 'producer yields');
              putOrder.push(item);
              await queue.put(item);
            }
          });
          const consuming = Array.from({ length: consumerCount }, async () => {
            while (remaining > 0) {
              remaining--;
              await s.schedule(Promise.resolve(), 'consumer yields');
              const item = await queue.get();
              takeOrder.push(item);
              await s.schedule(Promise.resolve(), 'consumer works');
              queue.taskDone();
            }
          });
          await s.waitFor(Promise.all([...producing, ...consuming]));
          await s.waitFor(queue.join());
          expect([...takeOrder].sort((a, b) => a - b)).toEqual([...putOrder].sort((a, b) => a - b));
          expect(new Set(takeOrder).size).toBe(total);
          if (kind === 'fifo') expect(takeOrder).toEqual(putOrder);
          expect(queue.size).toBe(0);
          expect(() => queue.taskDone()).toThrow(RangeError);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random aborts and timeouts never lose or duplicate an item', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        kindArb,
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 30 }),
        async (s, kind, maxsize, plan) => {
          // plan[i] = [abort the put of item i?, abort the i-th get?]
          const queue = make(kind, maxsize);
          const added: number[] = [];
          const taken: number[] = [];
          const calls: Promise<void>[] = [];
          plan.forEach(([abortPut, abortGet], i) => {
            const putController = new AbortController();
            const getController = new AbortController();
            calls.push(
              s.schedule(Promise.resolve(), `put ${i}`).then(() =>
                queue.put(i, { signal: putController.signal }).then(
                  () => {
                    added.push(i);
                  },
                  () => {},
                ),
              ),
              s.schedule(Promise.resolve(), `get ${i}`).then(() =>
                queue.get({ signal: getController.signal }).then(
                  (item) => {
                    taken.push(item);
                  },
                  () => {},
                ),
              ),
            );
            if (abortPut)
              calls.push(
                s.schedule(Promise.resolve(), `abort put ${i}`).then(() => putController.abort()),
              );
            if (abortGet)
              calls.push(
                s.schedule(Promise.resolve(), `abort get ${i}`).then(() => getController.abort()),
              );
          });
          await s.waitIdle();
          // whatever is still blocked gets released by an immediate shutdown
          // after we drain what is queued
          const left: number[] = [];
          while (!queue.empty()) left.push(queue.getNowait());
          queue.shutdown();
          await s.waitFor(Promise.all(calls));
          const out = [...taken, ...left].sort((a, b) => a - b);
          expect(out).toEqual([...added].sort((a, b) => a - b));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a shutdown at a random moment loses nothing: drained items all reach consumers, join resolves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        kindArb,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (s, kind, maxsize, count, consumerCount, immediate) => {
          const queue = make(kind, maxsize);
          const added: number[] = [];
          const taken: number[] = [];
          const producer = (async () => {
            for (let i = 0; i < count; i++) {
              await s.schedule(Promise.resolve(), 'producer yields');
              try {
                await queue.put(i);
                added.push(i);
              } catch (error) {
                expect(error).toBeInstanceOf(QueueShutDown);
                return;
              }
            }
          })();
          const consumers = Array.from({ length: consumerCount }, async () => {
            for (;;) {
              await s.schedule(Promise.resolve(), 'consumer yields');
              let item: number;
              try {
                item = await queue.get();
              } catch (error) {
                expect(error).toBeInstanceOf(QueueShutDown);
                return;
              }
              taken.push(item);
              // a bounded queue never holds more than maxsize; no item is held and taken twice
              if (maxsize > 0) expect(queue.size).toBeLessThanOrEqual(maxsize);
              expect(taken.length + queue.size).toBeLessThanOrEqual(count);
              await s.schedule(Promise.resolve(), 'consumer works');
              queue.taskDone();
            }
          });
          const stopper = s
            .schedule(Promise.resolve(), 'shutdown')
            .then(() => queue.shutdown({ immediate }));
          await s.waitFor(Promise.all([producer, stopper]));
          await s.waitFor(Promise.all(consumers));
          await s.waitFor(queue.join());
          expect(new Set(taken).size).toBe(taken.length);
          for (const item of taken) expect(added).toContain(item);
          if (!immediate) expect([...taken].sort((a, b) => a - b)).toEqual(added);
          expect(queue.size).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('join resolves exactly when the last item put has been marked done', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        kindArb,
        fc.integer({ min: 1, max: 20 }),
        async (s, kind, count) => {
          const queue = make(kind, 0);
          let doneCount = 0;
          for (let i = 0; i < count; i++) queue.putNowait(i);
          let doneAtJoin = -1;
          const joined = queue.join().then(() => {
            doneAtJoin = doneCount;
          });
          const workers = Array.from({ length: count }, async () => {
            await queue.get();
            await s.schedule(Promise.resolve(), 'work');
            doneCount++;
            queue.taskDone();
          });
          await s.waitFor(Promise.all([...workers, joined]));
          expect(doneAtJoin).toBe(count);
        },
      ),
      { numRuns: 100 },
    );
  });
});
