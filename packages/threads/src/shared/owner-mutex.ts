// A futex mutex whose word names its holder, as Linux robust futexes do: 0 is
// free; otherwise the holder's thread id shifted left once, with bit 0 set when
// someone may be sleeping on the word. Knowing the holder lets a pool free the
// lock of a worker thread that died holding it (`recoverFrom`, `recoverMarked`).
// Lock and RLock are built on it.
//
// Like FUTEX_OWNER_DIED, bit 30 marks a hold that took the mutex over from a
// thread that died: `recoverMarked` leaves the word free with only that bit set,
// the next holder keeps it, and the exchange that frees the mutex clears it. The
// mark living in the word keeps the unlock one atomic operation.
import { deadline, remaining, type Steps } from './runtime.js';

const WAITERS = 1;
/** The owner-died mark (see above). */
export const OWNER_DIED = 1 << 30;
/** The holder's id and the waiters bit: what is 0 when the mutex is free. */
const HELD = OWNER_DIED - 1;

/** The id of the thread holding the mutex, 0 if it is free. */
export function ownerOf(i32: Int32Array, index: number): number {
  return (Atomics.load(i32, index) & HELD) >>> 1;
}

/** Whether the mutex is held, or free after a dead holder, carries the owner-died mark. */
export function markedOwnerDied(i32: Int32Array, index: number): boolean {
  return (Atomics.load(i32, index) & OWNER_DIED) !== 0;
}

/** Takes the mutex for thread `me` if it is free (keeping an owner-died mark). */
export function tryLockAs(i32: Int32Array, index: number, me: number): boolean {
  const c = Atomics.compareExchange(i32, index, 0, me << 1);
  return (
    c === 0 ||
    (c === OWNER_DIED &&
      Atomics.compareExchange(i32, index, OWNER_DIED, (me << 1) | OWNER_DIED) === OWNER_DIED)
  );
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
    if ((c & HELD) === 0) {
      // taken after a wait: others may still sleep, so keep the waiters bit
      if (Atomics.compareExchange(i32, index, c, c | (me << 1) | WAITERS) === c) return true;
      continue;
    }
    if ((c & WAITERS) === 0 && Atomics.compareExchange(i32, index, c, c | WAITERS) !== c) continue;
    const left = remaining(end);
    if (left <= 0) return false;
    yield { i32, index, value: c | WAITERS, timeout: left };
  }
}

/**
 * Frees the mutex, whoever holds it, clearing an owner-died mark; returns false
 * if it was free. One exchange, as a futex's unlock is one atomic operation: any
 * other access to the lock's memory while threads contend costs the holder
 * another cache-line transfer.
 */
export function unlockOwned(i32: Int32Array, index: number): boolean {
  const c = Atomics.exchange(i32, index, 0);
  if ((c & WAITERS) !== 0) Atomics.notify(i32, index, 1);
  if ((c & HELD) !== 0) return true;
  // it was free: put back the mark of a dead holder this exchange cleared, unless a
  // thread took the mutex in between (then that holder was told nothing: an unlock
  // of a free mutex is a bug of the caller, reported to it by the false)
  if (c === OWNER_DIED) Atomics.compareExchange(i32, index, 0, OWNER_DIED);
  return false;
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
 * Frees the mutex if thread `dead` holds it, leaving the owner-died mark in the
 * word for the next holder; returns whether it did. Only for a thread that can
 * no longer run.
 */
export function recoverMarked(i32: Int32Array, index: number, dead: number): boolean {
  for (;;) {
    const c = Atomics.load(i32, index);
    if ((c & HELD) === 0 || (c & HELD) >>> 1 !== dead) return false;
    if (Atomics.compareExchange(i32, index, c, OWNER_DIED) === c) {
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
    if ((c & HELD) === 0) {
      // taken after a sleep: others may still sleep, so keep the waiters bit
      const word = c | (spins > 0 ? me << 1 : (me << 1) | WAITERS);
      if (Atomics.compareExchange(i32, index, c, word) === c) return;
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
