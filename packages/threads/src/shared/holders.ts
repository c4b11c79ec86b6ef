// A small table in a primitive's shared memory: which worker threads hold how
// many of something (semaphore permits, barrier places). Each entry is two
// Int32 words, a thread id (0 = free) and a count. A thread only changes its own
// entry, or claims a free one with compare-exchange, so no lock is needed; a
// pool reads and clears the entry of a thread that died (and can no longer run).
// When the table is full a thread goes unrecorded: it works as before, but is
// not recovered if it dies.

/** How many threads one table can record at once. */
export const HOLDER_ENTRIES = 64;
/** The Int32 words a table takes. */
export const HOLDER_WORDS = HOLDER_ENTRIES * 2;

/** Adds `delta` (may be negative; the count never goes below 0) to thread `me`'s count. */
export function addHeld(i32: Int32Array, start: number, me: number, delta: number): void {
  if (me === 0 || delta === 0) return;
  const end = start + HOLDER_WORDS;
  for (let i = start; i < end; i += 2) {
    if (Atomics.load(i32, i) !== me) continue;
    const count = Math.max(0, Atomics.load(i32, i + 1) + delta);
    Atomics.store(i32, i + 1, count);
    if (count === 0) Atomics.store(i32, i, 0);
    return;
  }
  if (delta < 0) return;
  for (let i = start; i < end; i += 2) {
    if (Atomics.compareExchange(i32, i, 0, me) === 0) {
      Atomics.store(i32, i + 1, delta);
      return;
    }
  }
}

/** Removes dead thread `dead` from the table; returns what it held. */
export function takeHeld(i32: Int32Array, start: number, dead: number): number {
  let total = 0;
  const end = start + HOLDER_WORDS;
  for (let i = start; i < end; i += 2) {
    if (Atomics.load(i32, i) !== dead) continue;
    total += Atomics.exchange(i32, i + 1, 0);
    Atomics.store(i32, i, 0);
  }
  return total;
}

/** Empties the table. */
export function clearHeld(i32: Int32Array, start: number): void {
  for (let i = start; i < start + HOLDER_WORDS; i++) Atomics.store(i32, i, 0);
}
