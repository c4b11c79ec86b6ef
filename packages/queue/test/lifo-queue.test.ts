import { describe, expect, it } from 'vitest';
import { LifoQueue, Queue, QueueFull } from '../src/index.js';

describe('LifoQueue', () => {
  it('returns the newest item first (LIFO)', async () => {
    const stack = new LifoQueue<number>();
    for (const n of [1, 2, 3]) await stack.put(n);
    expect([await stack.get(), await stack.get(), await stack.get()]).toEqual([3, 2, 1]);
  });

  it('is a Queue with maxsize, backpressure and join', async () => {
    const stack = new LifoQueue<number>({ maxsize: 2 });
    expect(stack).toBeInstanceOf(Queue);
    stack.putNowait(1);
    stack.putNowait(2);
    expect(() => stack.putNowait(3)).toThrow(QueueFull);
    const waiting = stack.put(3);
    expect(stack.getNowait()).toBe(2);
    await waiting;
    expect(stack.getNowait()).toBe(3);
    expect(stack.getNowait()).toBe(1);
    stack.taskDone();
    stack.taskDone();
    stack.taskDone();
    await expect(stack.join()).resolves.toBeUndefined();
  });

  it('gives a waiting getter the newest item present when it runs', async () => {
    const stack = new LifoQueue<number>();
    const got = stack.get();
    stack.putNowait(1);
    stack.putNowait(2);
    expect(await got).toBe(2);
    expect(stack.getNowait()).toBe(1);
  });

  it('serves waiting getters in the order they called get', async () => {
    const stack = new LifoQueue<string>();
    const order: string[] = [];
    const first = stack.get().then((item) => order.push(`first:${item}`));
    const second = stack.get().then((item) => order.push(`second:${item}`));
    stack.putNowait('a');
    stack.putNowait('b');
    await Promise.all([first, second]);
    expect(order).toEqual(['first:b', 'second:a']);
  });
});
