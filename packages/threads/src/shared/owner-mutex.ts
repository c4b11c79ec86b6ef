// A futex mutex whose word names its holder, as Linux robust futexes do: 0 is
// free; otherwise the holder's thread id shifted left once, with bit 0 set when
// someone may be sleeping on the word. Knowing the holder lets a pool free the
// lock of a worker thread that died holding it (`recoverFrom`). Lock and RLock
// are built on it.
import { deadline, remaining, type Steps } from './runtime.js';

const WAITERS = 1;

/** The id of the thread holding the mutex, 0 if it is free. */
export function ownerOf(i32: Int32Array, index: number): number {
  return Atomics.load(i32, index) >>> 1;
}

/** Takes the mutex for thread `me` if it is free. */
export function tryLockAs(i32: Int32Array, index: number, me: number): boolean {
  return Atomics.compareExchange(i32, index, 0, me << 1) === 0;
}

/** Waits for the mutex for thread `me` (at most `timeout` ms); returns whether it was taken. */
export function* lockAsSteps(
  i32: Int32Array,
  index: number,
  me: number,
  timeout: number,
): Steps<boolean> {
  if (tryLockAs(i32, index, me)) return true;
  if (timeout <= 0) return false;
  const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
  for (;;) {
    const c = Atomics.load(i32, index);
    if (c === 0) {
      // taken after a wait: others may still sleep, so keep the waiters bit
      if (Atomics.compareExchange(i32, index, 0, (me << 1) | WAITERS) === 0) return true;
      continue;
    }
    if ((c & WAITERS) === 0 && Atomics.compareExchange(i32, index, c, c | WAITERS) !== c) continue;
    const left = remaining(end);
    if (left <= 0) return false;
    yield { i32, index, value: c | WAITERS, timeout: left };
  }
}

/**
 * Frees the mutex, whoever holds it; returns false (and changes nothing) if it
 * was free. With `died`, also clears the owner-died flag `i32[died]` of the hold
 * that ends. One exchange, as a futex's unlock is one atomic operation: a load
 * first would cost the holder another cache-line transfer when threads contend.
 */
export function unlockOwned(i32: Int32Array, index: number, died?: number): boolean {
  // the flag is read first (a store is a full fence, and the flag is rarely set);
  // clearing it on a free lock would hide a recovery from the next holder
  if (died !== undefined && Atomics.load(i32, died) !== 0 && Atomics.load(i32, index) !== 0) {
    Atomics.store(i32, died, 0);
  }
  const c = Atomics.exchange(i32, index, 0);
  if ((c & WAITERS) !== 0) Atomics.notify(i32, index, 1);
  return c !== 0;
}

/**
 * Frees the mutex if thread `dead` holds it, first setting `i32[died]` to 1 so
 * the next holder learns that the previous one died; returns whether it did.
 * Only for a thread that can no longer run.
 */
export function recoverFrom(i32: Int32Array, index: number, died: number, dead: number): boolean {
  for (;;) {
    const c = Atomics.load(i32, index);
    if (c === 0 || c >>> 1 !== dead) return false;
    Atomics.store(i32, died, 1);
    if (Atomics.compareExchange(i32, index, c, 0) === c) {
      Atomics.notify(i32, index, 1);
      return true;
    }
  }
}

/**
 * How many times a thread that may block first re-reads a held mutex before it
 * sleeps: a hold is usually a few instructions long, and a sleep costs two system
 * calls (the wait and the holder's wake-up), so a holder running on another core
 * is often gone sooner than a sleep would take.
 */
const SPINS = 50;

/**
 * Takes the mutex for thread `me` without the event loop and without
 * allocating: blocking in Atomics.wait where `block` allows (after a short spin),
 * else spinning (for a mutex only ever held for a few instructions).
 */
export function lockSyncAs(i32: Int32Array, index: number, me: number, block: boolean): void {
  let spins = block ? SPINS : 0;
  for (;;) {
    const c = Atomics.load(i32, index);
    if (c === 0) {
      // taken after a sleep: others may still sleep, so keep the waiters bit
      const word = spins > 0 ? me << 1 : (me << 1) | WAITERS;
      if (Atomics.compareExchange(i32, index, 0, word) === 0) return;
      continue;
    }
    if (spins > 0) {
      spins--;
      continue;
    }
    if ((c & WAITERS) === 0 && Atomics.compareExchange(i32, index, c, c | WAITERS) !== c) continue;
    if (block) Atomics.wait(i32, index, c | WAITERS);
  }
}

/**
 * Tries `spins` times to take the mutex for thread `me`, never blocking; for a
 * thread that must not wait on a holder that may never let go.
 */
export function trySpinLockAs(i32: Int32Array, index: number, me: number, spins: number): boolean {
  for (let i = 0; i < spins; i++) {
    if (Atomics.compareExchange(i32, index, 0, (me << 1) | WAITERS) === 0) return true;
  }
  return false;
}
