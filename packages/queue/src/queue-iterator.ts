import { isQueueShutDown } from './errors.js';
import type { ConsumableQueue } from './queue-like.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The `for await` iterator of a queue. It marks an item done when the loop
 * asks for the next one, or leaves (`return()`), so a `for await` consumer
 * keeps `join()` accurate without calling `taskDone()` itself.
 */
export class QueueIterator<T> implements AsyncIterableIterator<T> {
  readonly #queue: ConsumableQueue<T>;
  // items handed to the loop and not yet marked done
  #held = 0;
  #finished = false;

  constructor(queue: ConsumableQueue<T>) {
    this.#queue = queue;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#held > 0) {
      this.#held--;
      this.#queue.taskDone?.();
    }
    if (this.#finished) return Promise.resolve(DONE);
    return this.#queue.get().then(
      (value): IteratorResult<T, undefined> => {
        // the loop left while this get was pending: the item is delivered
        // (it is the caller's) but nobody will ask for the next one
        if (this.#finished) this.#queue.taskDone?.();
        else this.#held++;
        return { done: false, value };
      },
      (error: unknown) => {
        if (!isQueueShutDown(error)) throw error;
        this.#finished = true;
        return DONE;
      },
    );
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.#finished = true;
    const held = this.#held;
    this.#held = 0;
    for (let i = 0; i < held; i++) this.#queue.taskDone?.();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
