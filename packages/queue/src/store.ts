import { Deque } from '@par/async/internal';

/**
 * Where a queue keeps its items: FIFO, LIFO or a heap. Every operation is
 * O(1) (deques) or O(log n) (heap).
 */
export interface Store<T> {
  readonly length: number;
  push(item: T): void;
  /** Removes and returns the next item; only called when `length > 0`. */
  take(): T;
  /** Puts back an item taken out, so that it is the next one `take` returns (among equals). */
  restore(item: T): void;
  clear(): void;
}

export class FifoStore<T> extends Deque<T> implements Store<T> {
  take(): T {
    return this.shift() as T;
  }

  restore(item: T): void {
    this.unshift(item);
  }
}

export class LifoStore<T> extends Deque<T> implements Store<T> {
  take(): T {
    return this.pop() as T;
  }

  restore(item: T): void {
    this.push(item);
  }
}

/**
 * Puts an item taken by a `get` whose caller is gone (a task given up, a worker
 * that died) back in the queue as its next item, still counted as unfinished, so
 * `join()` waits for it to be processed. Used by the owner side of a queue handle.
 */
// Symbol.for: a bundled copy of the package (a pool's child process) gives back too
export const giveBack: unique symbol = Symbol.for('@par/queue.giveBack');

// Subclasses replace the FIFO store by overriding this method. A symbol keeps
// it out of the documented surface while staying overridable in the package.
export const createStore: unique symbol = Symbol('createStore');
