// `giveBack` (from @par/queue/internal): the owner of a queue shared with workers
// puts back an item that a get took for a caller that is gone, so it is never lost.
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, SimpleQueue } from '../src/index.js';
import { giveBack } from '../src/internal.js';

describe('giving back an item taken for a caller that is gone', () => {
  it('a Queue returns it as the next item, still unfinished: join() waits for its taskDone()', async () => {
    const queue = new Queue<number>({ maxsize: 2 });
    queue.putNowait(1);
    queue.putNowait(2);
    const taken = queue.getNowait();
    queue[giveBack](taken);
    expect(queue.size).toBe(2);
    let joined = false;
    const join = queue.join().then(() => {
      joined = true;
    });
    expect([queue.getNowait(), queue.getNowait()]).toEqual([1, 2]);
    queue.taskDone();
    await Promise.resolve();
    expect(joined).toBe(false);
    queue.taskDone();
    await join;
    expect(joined).toBe(true);
  });

  it('a Queue hands it to a getter already waiting', async () => {
    const queue = new Queue<string>();
    queue.putNowait('a');
    const taken = queue.getNowait();
    const waiting = queue.get();
    queue[giveBack](taken);
    await expect(waiting).resolves.toBe('a');
    expect(queue.size).toBe(0);
  });

  it('a LifoQueue returns it on top; a PriorityQueue ahead of the items of equal priority', () => {
    const lifo = new LifoQueue<number>();
    lifo.putNowait(1);
    lifo.putNowait(2);
    lifo[giveBack](lifo.getNowait());
    expect(lifo.getNowait()).toBe(2);
    const prio = new PriorityQueue<{ p: number; name: string }>({ compare: (a, b) => a.p - b.p });
    prio.putNowait({ p: 1, name: 'first' });
    prio.putNowait({ p: 1, name: 'second' });
    prio.putNowait({ p: 0, name: 'urgent' });
    const urgent = prio.getNowait();
    const first = prio.getNowait();
    prio[giveBack](first);
    prio[giveBack](urgent);
    expect([prio.getNowait().name, prio.getNowait().name, prio.getNowait().name]).toEqual([
      'urgent',
      'first',
      'second',
    ]);
  });

  it('a SimpleQueue returns it as the next item', () => {
    const queue = new SimpleQueue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    queue[giveBack](queue.getNowait());
    expect([queue.getNowait(), queue.getNowait()]).toEqual([1, 2]);
  });

  it('after shutdown({ immediate: true }) the item is dropped and marked done, like the rest', async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    const taken = queue.getNowait();
    queue.shutdown({ immediate: true });
    queue[giveBack](taken);
    expect(queue.size).toBe(0);
    await queue.join();
  });
});
