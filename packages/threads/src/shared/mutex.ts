// A futex mutex on one Int32 word (Ulrich Drepper, "Futexes Are Tricky", mutex 2):
// 0 = unlocked, 1 = locked, 2 = locked and someone may be sleeping on it. Lock,
// RLock and Barrier's internal guard are built on it.
import { deadline, remaining, type Steps } from './runtime.js';

/** Takes the mutex if it is free. */
export function tryLock(i32: Int32Array, index: number): boolean {
  return Atomics.compareExchange(i32, index, 0, 1) === 0;
}

/** Waits for the mutex (at most `timeout` ms); returns whether it was taken. */
export function* lockSteps(i32: Int32Array, index: number, timeout: number): Steps<boolean> {
  let c = Atomics.compareExchange(i32, index, 0, 1);
  if (c === 0) return true;
  if (timeout <= 0) return false;
  const end = deadline(timeout === Number.POSITIVE_INFINITY ? undefined : timeout);
  if (c !== 2) c = Atomics.exchange(i32, index, 2);
  while (c !== 0) {
    const left = remaining(end);
    if (left <= 0) return false;
    yield { i32, index, value: 2, timeout: left };
    c = Atomics.exchange(i32, index, 2);
  }
  return true;
}

/** Releases the mutex; returns false (and changes nothing) if it was not locked. */
export function unlock(i32: Int32Array, index: number): boolean {
  // uncontended: one compare-exchange
  if (Atomics.compareExchange(i32, index, 1, 0) === 1) return true;
  for (;;) {
    const c = Atomics.load(i32, index);
    if (c === 0) return false;
    if (Atomics.compareExchange(i32, index, c, 0) === c) {
      if (c === 2) Atomics.notify(i32, index, 1);
      return true;
    }
  }
}

/**
 * Takes a mutex that is only ever held for a few instructions, without waiting
 * through the event loop: blocking where allowed, else spinning. Taking it as
 * "contended" (2) keeps sleepers' wake-ups intact.
 */
export function lockBriefly(i32: Int32Array, index: number, block: boolean): void {
  if (Atomics.compareExchange(i32, index, 0, 1) === 0) return;
  while (Atomics.exchange(i32, index, 2) !== 0) {
    if (block) Atomics.wait(i32, index, 2);
  }
}
