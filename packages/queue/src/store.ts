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
  clear(): void;
}

export class FifoStore<T> extends Deque<T> implements Store<T> {
  take(): T {
    return this.shift() as T;
  }
}

export class LifoStore<T> extends Deque<T> implements Store<T> {
  take(): T {
    return this.pop() as T;
  }
}

// Subclasses replace the FIFO store by overriding this method. A symbol keeps
// it out of the documented surface while staying overridable in the package.
export const createStore: unique symbol = Symbol('createStore');
