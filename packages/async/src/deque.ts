/**
 * A growable ring buffer: O(1) push and shift at both ends, no `Array#shift`.
 * The scheduler, every waiter list and @par/queue store their items in it.
 *
 * @example
 * ```ts
 * const d = new Deque<number>();
 * d.push(1); d.push(2); d.unshift(0);
 * d.shift(); // 0
 * d.pop();   // 2
 * ```
 */
export class Deque<T> {
  #buffer: (T | undefined)[];
  #head = 0;
  #length = 0;
  // capacity is always a power of two so that wrapping is a bit mask
  #mask: number;

  constructor(initialCapacity = 16) {
    let capacity = 4;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#buffer = new Array(capacity);
    this.#mask = capacity - 1;
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#buffer.length) this.#grow();
    this.#buffer[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  unshift(item: T): void {
    if (this.#length === this.#buffer.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#buffer[this.#head] = item;
    this.#length++;
  }

  /** Removes and returns the first item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#buffer[this.#head];
    this.#buffer[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** Removes and returns the last item, or `undefined` when empty. */
  pop(): T | undefined {
    if (this.#length === 0) return undefined;
    const index = (this.#head + this.#length - 1) & this.#mask;
    const item = this.#buffer[index];
    this.#buffer[index] = undefined;
    this.#length--;
    return item;
  }

  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#buffer[this.#head];
  }

  peekLast(): T | undefined {
    return this.#length === 0
      ? undefined
      : this.#buffer[(this.#head + this.#length - 1) & this.#mask];
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#buffer[(this.#head + index) & this.#mask];
  }

  /**
   * Removes the first occurrence of `item` (O(n); used when a waiter leaves
   * through abort or timeout, which is rare next to push and shift).
   */
  remove(item: T): boolean {
    for (let i = 0; i < this.#length; i++) {
      const index = (this.#head + i) & this.#mask;
      if (this.#buffer[index] === item) {
        for (let j = i; j < this.#length - 1; j++) {
          this.#buffer[(this.#head + j) & this.#mask] =
            this.#buffer[(this.#head + j + 1) & this.#mask];
        }
        this.#buffer[(this.#head + this.#length - 1) & this.#mask] = undefined;
        this.#length--;
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.#buffer.fill(undefined);
    this.#head = 0;
    this.#length = 0;
  }

  /** Removes every item and returns them in order. */
  drain(): T[] {
    const items = [...this];
    this.clear();
    return items;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#buffer[(this.#head + i) & this.#mask] as T;
  }

  #grow(): void {
    const old = this.#buffer;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#buffer = next;
    this.#head = 0;
    this.#mask = next.length - 1;
  }
}
