import { describe, expect, it } from 'vitest';
import { PriorityQueue, Queue, QueueFull } from '../src/index.js';

describe('PriorityQueue', () => {
  it('returns the lowest item first', async () => {
    const queue = new PriorityQueue<number>();
    for (const n of [5, 1, 4, 2, 3]) await queue.put(n);
    const out: number[] = [];
    while (!queue.empty()) out.push(await queue.get());
    expect(out).toEqual([1, 2, 3, 4, 5]);
  });

  it('orders strings by < by default', () => {
    const queue = new PriorityQueue<string>();
    for (const s of ['pear', 'apple', 'fig']) queue.putNowait(s);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([
      'apple',
      'fig',
      'pear',
    ]);
  });

  it('orders arrays element by element like Python tuples', () => {
    const queue = new PriorityQueue<[number, string]>();
    queue.putNowait([2, 'b']);
    queue.putNowait([1, 'z']);
    queue.putNowait([2, 'a']);
    queue.putNowait([1, 'y']);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([
      [1, 'y'],
      [1, 'z'],
      [2, 'a'],
      [2, 'b'],
    ]);
  });

  it('orders [priority, object] items, which < cannot order, by priority, then in insertion order', () => {
    const queue = new PriorityQueue<[number, { id: string }]>();
    queue.putNowait([2, { id: 'a' }]);
    queue.putNowait([1, { id: 'b' }]);
    queue.putNowait([2, { id: 'c' }]);
    queue.putNowait([1, { id: 'd' }]);
    const out: string[] = [];
    while (!queue.empty()) out.push(queue.getNowait()[1].id);
    expect(out).toEqual(['b', 'd', 'a', 'c']);
  });

  it('returns equal items in the order they were put (stable)', () => {
    const queue = new PriorityQueue<{ priority: number; name: string }>({
      compare: (a, b) => a.priority - b.priority,
    });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    names.forEach((name, i) => {
      queue.putNowait({ priority: i % 2, name });
    });
    const out: string[] = [];
    while (!queue.empty()) out.push(queue.getNowait().name);
    expect(out).toEqual(['a', 'c', 'e', 'g', 'b', 'd', 'f', 'h']);
  });

  it('uses a custom compare (highest first)', () => {
    const queue = new PriorityQueue<number>({ compare: (a, b) => b - a });
    for (const n of [3, 9, 1, 7]) queue.putNowait(n);
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([
      9, 7, 3, 1,
    ]);
  });

  it('gives a waiting getter the lowest item present when it runs', async () => {
    const queue = new PriorityQueue<number>();
    const got = queue.get();
    queue.putNowait(5);
    queue.putNowait(1);
    queue.putNowait(3);
    expect(await got).toBe(1);
    expect([queue.getNowait(), queue.getNowait()]).toEqual([3, 5]);
  });

  it('is a Queue with maxsize and backpressure', async () => {
    const queue = new PriorityQueue<number>({ maxsize: 1 });
    expect(queue).toBeInstanceOf(Queue);
    queue.putNowait(2);
    expect(() => queue.putNowait(1)).toThrow(QueueFull);
    const waiting = queue.put(1);
    expect(queue.getNowait()).toBe(2);
    await waiting;
    expect(queue.getNowait()).toBe(1);
  });

  it('lets waiting putters in in call order, whatever their priority', async () => {
    const queue = new PriorityQueue<number>({ maxsize: 1 });
    queue.putNowait(0);
    const admitted: number[] = [];
    const puts = [9, 1, 5].map((n) => queue.put(n).then(() => admitted.push(n)));
    expect(queue.getNowait()).toBe(0); // lets 9 in
    expect(queue.getNowait()).toBe(9); // lets 1 in
    expect(queue.getNowait()).toBe(1); // lets 5 in
    expect(queue.getNowait()).toBe(5);
    await Promise.all(puts);
    expect(admitted).toEqual([9, 1, 5]);
  });

  it('leaves the queue intact when compare throws during put', async () => {
    let fail = false;
    const queue = new PriorityQueue<number>({
      compare: (a, b) => {
        if (fail) throw new Error('bad compare');
        return a - b;
      },
    });
    queue.putNowait(2);
    queue.putNowait(1);
    fail = true;
    await expect(queue.put(0)).rejects.toThrow('bad compare');
    fail = false;
    expect(queue.size).toBe(2);
    expect([queue.getNowait(), queue.getNowait()]).toEqual([1, 2]);
    queue.taskDone();
    queue.taskDone();
    expect(() => queue.taskDone()).toThrow(RangeError);
  });

  it('leaves the queue intact when compare throws during get', async () => {
    let fail = false;
    const queue = new PriorityQueue<number>({
      compare: (a, b) => {
        if (fail) throw new Error('bad compare');
        return a - b;
      },
    });
    for (const n of [3, 1, 2]) queue.putNowait(n);
    fail = true;
    await expect(queue.get()).rejects.toThrow('bad compare');
    expect(() => queue.getNowait()).toThrow('bad compare');
    fail = false;
    expect([queue.getNowait(), queue.getNowait(), queue.getNowait()]).toEqual([1, 2, 3]);
  });

  it('keeps heap order over many random items', () => {
    const queue = new PriorityQueue<number>();
    const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 503);
    for (const v of values) queue.putNowait(v);
    const out: number[] = [];
    while (!queue.empty()) out.push(queue.getNowait());
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});
