import type { Store } from './store.js';

/**
 * A binary min-heap ordered by `compare`, ties broken by insertion order
 * (a sequence number kept in a parallel array, so no wrapper object per item).
 *
 * Both sift operations first find the item's final slot using only reads and
 * then move the items on that path, so a `compare` that throws leaves the heap
 * exactly as it was: no item is lost or duplicated.
 */
export class Heap<T> implements Store<T> {
  readonly #items: T[] = [];
  readonly #seqs: number[] = [];
  readonly #compare: (a: T, b: T) => number;
  #nextSeq = 0;
  /** Sequence numbers of restored items: before every pushed one. */
  #frontSeq = -1;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get length(): number {
    return this.#items.length;
  }

  /** True when (a, seqA) comes before (b, seqB). */
  #before(a: T, seqA: number, b: T, seqB: number): boolean {
    const order = this.#compare(a, b);
    if (order < 0) return true;
    if (order > 0) return false;
    return seqA < seqB;
  }

  push(item: T): void {
    this.#insert(item, this.#nextSeq++);
  }

  /** Puts an item back ahead of the items of equal priority (a get that was withdrawn). */
  restore(item: T): void {
    this.#insert(item, this.#frontSeq--);
  }

  #insert(item: T, seq: number): void {
    const items = this.#items;
    const seqs = this.#seqs;
    let slot = items.length;
    // find the slot without touching the arrays
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.#before(item, seq, items[parent] as T, seqs[parent] as number)) break;
      slot = parent;
    }
    // move the ancestors between the new leaf and `slot` down one level
    let hole = items.length;
    items.push(item);
    seqs.push(seq);
    while (hole > slot) {
      const parent = (hole - 1) >> 1;
      items[hole] = items[parent] as T;
      seqs[hole] = seqs[parent] as number;
      hole = parent;
    }
    items[slot] = item;
    seqs[slot] = seq;
  }

  take(): T {
    const items = this.#items;
    const seqs = this.#seqs;
    const top = items[0] as T;
    const n = items.length - 1; // size after removal; the last item refills the root
    if (n === 0) {
      items.pop();
      seqs.pop();
      return top;
    }
    const last = items[n] as T;
    const lastSeq = seqs[n] as number;
    // find where `last` settles, reading only
    let slot = 0;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (
        right < n &&
        this.#before(
          items[right] as T,
          seqs[right] as number,
          items[left] as T,
          seqs[left] as number,
        )
      ) {
        child = right;
      }
      if (!this.#before(items[child] as T, seqs[child] as number, last, lastSeq)) break;
      slot = child;
    }
    // the path from the root to `slot` is its ancestor chain: lift each one level
    items.pop();
    seqs.pop();
    liftPath(items, seqs, slot);
    items[slot] = last;
    seqs[slot] = lastSeq;
    return top;
  }

  clear(): void {
    this.#items.length = 0;
    this.#seqs.length = 0;
  }
}

// Moves every node on the path root -> slot up one level (the root's item is
// overwritten; the caller has already saved it).
function liftPath<T>(items: T[], seqs: number[], slot: number): void {
  if (slot === 0) return;
  const parent = (slot - 1) >> 1;
  liftPath(items, seqs, parent);
  items[parent] = items[slot] as T;
  seqs[parent] = seqs[slot] as number;
}

/**
 * The default priority order: numbers, strings and bigints by `<`, arrays
 * element by element like Python's tuples (`[priority, task]`).
 */
export function defaultCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const order = defaultCompare(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  // `<` orders numbers, strings and bigints (and mixes of numbers and bigints)
  if ((a as number) < (b as number)) return -1;
  if ((a as number) > (b as number)) return 1;
  return 0;
}
