import { gather, shield, TaskGroup, timeout, wait } from '@par/async';
import { describe, expect, it } from 'vitest';
import { Queue } from '../src/index.js';

// drains a queue without waiting, so a test can see exactly what it holds
function contents<T>(queue: Queue<T>): T[] {
  const items: T[] = [];
  while (!queue.empty()) items.push(queue.getNowait());
  return items;
}

describe('a queue call under an outer abort in the same tick as the hand-over', () => {
  it('timeout() returns the item a put handed to its get: nothing lost', async () => {
    const queue = new Queue<number>();
    const outer = new AbortController();
    const got = timeout(60_000, (signal) => queue.get({ signal }), { signal: outer.signal });
    queue.putNowait(1); // hands 1 to the waiting get
    queue.putNowait(2);
    outer.abort(new Error('outer'));
    await expect(got).resolves.toBe(1);
    expect(contents(queue)).toEqual([2]);
  });

  it('timeout() reports success for a put whose item entered the queue: nothing duplicated', async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const outer = new AbortController();
    const put = timeout(60_000, (signal) => queue.put(2, { signal }), { signal: outer.signal });
    expect(queue.getNowait()).toBe(1); // makes room: the waiting put adds 2
    outer.abort(new Error('outer'));
    await expect(put).resolves.toBeUndefined();
    expect(contents(queue)).toEqual([2]);
  });

  it('timeout() still rejects with the abort reason when the get had not been handed an item', async () => {
    const queue = new Queue<number>();
    const outer = new AbortController();
    const got = timeout(60_000, (signal) => queue.get({ signal }), { signal: outer.signal });
    const reason = new Error('outer');
    outer.abort(reason);
    queue.putNowait(1); // after the abort: the cancelled get must not take it
    await expect(got).rejects.toBe(reason);
    expect(contents(queue)).toEqual([1]);
  });

  it('shield() keeps the item a get received in the same tick as its abort', async () => {
    const queue = new Queue<number>();
    const outer = new AbortController();
    const got = shield(queue.get(), { signal: outer.signal });
    queue.putNowait(7);
    outer.abort(new Error('outer'));
    await expect(got).resolves.toBe(7);
  });

  it('gather() resolves with the items its gets received in the same tick as its abort', async () => {
    const queue = new Queue<number>();
    const outer = new AbortController();
    const both = gather([queue.get(), queue.get()], { signal: outer.signal });
    queue.putNowait(1);
    queue.putNowait(2);
    outer.abort(new Error('outer'));
    await expect(both).resolves.toEqual([1, 2]);
  });

  it('wait() counts a get that received its item in the same tick as the abort as done', async () => {
    const queue = new Queue<number>();
    const outer = new AbortController();
    const get = queue.get();
    const waiting = wait([get], { signal: outer.signal });
    queue.putNowait(3);
    outer.abort(new Error('outer'));
    const { done, pending } = await waiting;
    expect(done.has(get)).toBe(true);
    expect(pending.size).toBe(0);
  });

  it('a TaskGroup whose tasks completed despite the parent abort keeps their results', async () => {
    const queue = new Queue<number>();
    const parent = new AbortController();
    const tg = new TaskGroup({ signal: parent.signal });
    const got = tg.spawn((signal) => queue.get({ signal }));
    queue.putNowait(4);
    parent.abort(new Error('parent'));
    await expect(tg.wait()).resolves.toBeUndefined();
    await expect(got).resolves.toBe(4);
    expect(queue.empty()).toBe(true);
  });
});
