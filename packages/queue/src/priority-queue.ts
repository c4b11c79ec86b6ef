import { brand, validateFunction } from '@par/async/internal';
import { defaultCompare, Heap } from './heap.js';
import { Queue, type QueueOptions } from './queue.js';
import { createStore, type Store } from './store.js';

/** Options of {@link PriorityQueue}. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items: negative when `a` comes out before `b`, positive when after,
   * `0` when equal (equal items come out in the order they were put). The
   * default puts the lowest first: numbers, strings and bigints by `<`, arrays
   * element by element like Python tuples, so `[priority, task]` items work.
   * @default lowest first
   * @example
   * ```ts
   * new PriorityQueue<Job>({ compare: (a, b) => a.priority - b.priority });
   * ```
   */
  compare?: (a: T, b: T) => number;
}

/**
 * A queue that returns the lowest item first (a binary heap, O(log n) per
 * operation), stable for equal items. Python's `queue.PriorityQueue` /
 * `asyncio.PriorityQueue`, with everything {@link Queue} has.
 *
 * A getter that was waiting takes the lowest item when it runs (one microtask
 * after the `put` that woke it), so items put in the same tick come out in
 * priority order.
 *
 * @typeParam T - the item type.
 * @example
 * ```ts
 * const queue = new PriorityQueue<[number, string]>();
 * queue.putNowait([2, 'write docs']);
 * queue.putNowait([1, 'fix bug']);
 * await queue.get(); // [1, 'fix bug']
 *
 * const jobs = new PriorityQueue<{ priority: number }>({
 *   compare: (a, b) => a.priority - b.priority,
 * });
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /**
   * @param options - {@link PriorityQueueOptions}; copied, never mutated.
   * @throws TypeError / RangeError for an invalid option, naming it.
   */
  constructor(options?: PriorityQueueOptions<T>) {
    super(options);
  }

  /** @internal */
  override [createStore](options: PriorityQueueOptions<T>): Store<T> {
    const compare = validateFunction<(a: T, b: T) => number>('compare', options.compare);
    return new Heap<T>(compare ?? defaultCompare);
  }
}

brand(PriorityQueue, '@par/queue.PriorityQueue');
