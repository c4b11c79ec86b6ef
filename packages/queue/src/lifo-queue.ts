import { brand } from '@par/async/internal';
import { Queue, type QueueOptions } from './queue.js';
import { createStore, LifoStore, type Store } from './store.js';

/**
 * A last-in, first-out queue (a stack) with everything {@link Queue} has:
 * `maxsize`, `taskDone`/`join`, `shutdown`, `for await`. Python's
 * `queue.LifoQueue` / `asyncio.LifoQueue`.
 *
 * A getter that was waiting takes the newest item when it runs (one microtask
 * after the `put` that woke it), like Python's asyncio.
 *
 * @typeParam T - the item type.
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * await stack.get(); // 2
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */
  override [createStore](_options: QueueOptions): Store<T> {
    return new LifoStore<T>();
  }
}

brand(LifoQueue, '@par/queue.LifoQueue');
