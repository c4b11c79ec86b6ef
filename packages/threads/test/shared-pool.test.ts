import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Lock,
  RLock,
  sharedArray,
  Thread,
  ThreadPool,
  tasks,
  transfer,
  Value,
} from '@par/threads';
import { afterAll, describe, expect, it } from 'vitest';

type Tasks = typeof import('./fixtures/shared-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/shared-tasks.mjs', import.meta.url));
const pool = new ThreadPool({ maxWorkers: 4 });

afterAll(() => pool.terminate());

describe('shared primitives as ThreadPool task arguments', () => {
  it('arrive in the worker as working objects of the same class', async () => {
    const cases: [object, string][] = [
      [new Lock(), 'Lock'],
      [new RLock(), 'RLock'],
      [new BoundedSemaphore(2), 'BoundedSemaphore'],
      [new Event(), 'Event'],
      [new Condition(), 'Condition'],
      [new Barrier(2), 'Barrier'],
      [new Value('f64', 1), 'Value'],
    ];
    for (const [primitive, name] of cases) {
      await expect(pool.run(t.describe, primitive)).resolves.toMatchObject({ name });
    }
  });

  it('keep a Lock-protected counter exact across pool workers', async () => {
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => pool.run(t.lockedIncrements, lock, counter, 1000)),
    );
    expect(results).toEqual([true, true, true, true]);
    expect(counter[0]).toBe(4000);
  });

  it('give each task a distinct Barrier arrival index', async () => {
    const barrier = new Barrier(4);
    const indexes = await Promise.all([0, 1, 2, 3].map(() => pool.run(t.barrierWait, barrier)));
    expect(indexes.sort()).toEqual([0, 1, 2, 3]);
  });

  it('let a task wait for an Event the main thread sets', async () => {
    const event = new Event();
    const waiting = pool.run(t.waitForEvent, event);
    event.set();
    await expect(waiting).resolves.toBe(true);
    await expect(pool.run(t.waitForEvent, new Event(), 5)).resolves.toBe(false);
  });

  it('time out a blocking acquire inside a task', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(pool.run(t.acquireWithTimeout, lock, 10)).resolves.toBe(false);
    lock.release();
    await expect(pool.run(t.acquireWithTimeout, lock, 10)).resolves.toBe(true);
  });

  it('never let more tasks into a Semaphore than its value', async () => {
    const semaphore = new BoundedSemaphore(2);
    const state = sharedArray(Int32Array, 3); // active, peak, done
    await Promise.all(Array.from({ length: 12 }, () => pool.run(t.limited, semaphore, state)));
    expect(state[2]).toBe(12);
    expect(state[1]).toBeLessThanOrEqual(2);
    expect(semaphore.value).toBe(2);
  });

  it('hand items from producer tasks to consumer tasks through a Condition', async () => {
    const cond = new Condition(new Lock());
    const ring = sharedArray(Int32Array, 2);
    const state = sharedArray(Int32Array, 2);
    const items = Array.from({ length: 40 }, (_, i) => i + 1);
    const consumers = [20, 20].map((n) => pool.run(t.consume, cond, ring, state, n));
    const producers = [items.slice(0, 20), items.slice(20)].map((part) =>
      pool.run(t.produce, cond, ring, state, part),
    );
    await Promise.all(producers);
    const taken = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(taken).toEqual(items);
  });

  it('wake exactly one waiter per notify() with two Conditions over one Lock', async () => {
    const lock = new Lock();
    const notFull = new Condition(lock);
    const notEmpty = new Condition(lock);
    const ring = sharedArray(Int32Array, 1);
    const state = sharedArray(Int32Array, 2);
    const items = Array.from({ length: 60 }, (_, i) => i + 1);
    const consumers = [30, 30].map((n) =>
      pool.run(t.consumeOne, notFull, notEmpty, ring, state, n),
    );
    const producers = [items.slice(0, 30), items.slice(30)].map((part) =>
      pool.run(t.produceOne, notFull, notEmpty, ring, state, part),
    );
    await Promise.all(producers);
    const taken = (await Promise.all(consumers)).flat().sort((a, b) => a - b);
    expect(taken).toEqual(items);
  });

  it('keep Value updates under getLock() exact', async () => {
    const value = new Value('i32', 0);
    await Promise.all([0, 1, 2].map(() => pool.run(t.valueIncrements, value, 300)));
    expect(value.value).toBe(900);
  });

  it('come back from a task as working objects on the same memory', async () => {
    const lock = await pool.run(t.makeLock);
    expect(lock).toBeInstanceOf(Lock);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });
});

describe('transfer()', () => {
  it('moves an ArrayBuffer argument: it is detached on the sender', async () => {
    const bytes = new Uint8Array(1024).fill(7);
    await expect(pool.run(t.byteLength, transfer(bytes.buffer, [bytes.buffer]))).resolves.toBe(
      1024,
    );
    expect(bytes.byteLength).toBe(0);
    expect(bytes.buffer.byteLength).toBe(0);
  });

  it('copies an ArrayBuffer argument without transfer()', async () => {
    const bytes = new Uint8Array(16);
    await expect(pool.run(t.byteLength, bytes.buffer)).resolves.toBe(16);
    expect(bytes.byteLength).toBe(16);
  });
});

describe('shared primitives as Thread arguments', () => {
  it('let threading.Thread-style threads meet at a Barrier and share a counter', async () => {
    const barrier = new Barrier(3);
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    const threads = [0, 1, 2].map(
      () => new Thread(t.lockedIncrements, { args: [lock, counter, 500] }),
    );
    const meeting = [0, 1, 2].map(() => new Thread(t.barrierWait, { args: [barrier] }));
    for (const thread of [...threads, ...meeting]) thread.start();
    await Promise.all(threads.map((thread) => thread.join()));
    expect(counter[0]).toBe(1500);
    const indexes = await Promise.all(meeting.map((thread) => thread.join()));
    expect((indexes as number[]).sort()).toEqual([0, 1, 2]);
  });
});

describe('shared primitives in map and starmap items', () => {
  it('arrive as working objects in starmap rows', async () => {
    const lock = new Lock();
    const counter = sharedArray(Int32Array, 1);
    const rows: [Lock, Int32Array, number][] = [0, 1, 2, 3].map(() => [lock, counter, 250]);
    await expect(pool.starmap(t.lockedIncrements, rows)).resolves.toEqual([true, true, true, true]);
    expect(counter[0]).toBe(1000);
  });

  it('arrive as working objects as map items', async () => {
    const barrier = new Barrier(2);
    const indexes = await pool.map(t.barrierWait, [barrier, barrier], { chunkSize: 1 });
    expect(indexes.sort()).toEqual([0, 1]);
  });
});
