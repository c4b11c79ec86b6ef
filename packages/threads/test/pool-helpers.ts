// Helpers for the pool tests: typed task references to the fixture module and
// shared-memory latches.
import { vi } from 'vitest';
import { tasks } from '../dist/index.js';

export const fixtureUrl = new URL('./fixtures/pool-tasks.mjs', import.meta.url);
export const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(fixtureUrl);

/** A fresh Int32Array latch over shared memory (slot 0: started, 1: release, 2: result). */
export function latch(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(16));
}

interface AtomicsWaitAsync {
  waitAsync(
    i32: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** Resolves once `latch[index]` reaches at least `value` (no polling of wall-clock time). */
export async function reached(l: Int32Array, index: number, value = 1): Promise<void> {
  for (;;) {
    const current = Atomics.load(l, index);
    if (current >= value) return;
    const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(l, index, current);
    if (waiting.async) await waiting.value;
  }
}

/** Lets a blocked fixture task return. */
export function release(l: Int32Array): void {
  Atomics.store(l, 1, 1);
  Atomics.notify(l, 1);
}

/** Waits, yielding to the event loop, until `condition()` holds (the test's timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A self-contained task (no module) that counts its runs in slot 0 of `counter` and returns n². */
export function countRun(counter: Int32Array, n: number): number {
  Atomics.add(counter, 0, 1);
  return n * n;
}

/** A self-contained task that marks started in slot 0, then blocks until the test releases slot 1. */
export function blockUntilReleased(l: Int32Array): string {
  Atomics.add(l, 0, 1);
  Atomics.notify(l, 0);
  Atomics.wait(l, 1, 0);
  return 'released';
}

/**
 * Freezes the clock the pool reads. The pool hands a queued call to a busy worker only
 * while that worker made progress within the last few milliseconds (it never piles work
 * behind a long call), and only for a task measured to run in well under a millisecond;
 * on a busy machine more time than that can pass between the warm-up's result and the
 * next submit. With the pool's clock frozen, the first condition holds whatever the
 * machine's load; the second depends on the worker's own measurement, so the tests that
 * use this check what a caller sees wherever the call waits (in the pool or in the
 * worker), and the engine's contract tests check the worker-side window with a fake
 * transport.
 */
export function freezePoolClock(): void {
  vi.useFakeTimers({ toFake: ['performance'] });
}

/** A self-contained task that marks started in slot 0, blocks until released, then exits with code 9. */
export function blockThenExit(l: Int32Array): never {
  Atomics.add(l, 0, 1);
  Atomics.notify(l, 0);
  Atomics.wait(l, 1, 0);
  process.exit(9);
}

/** A self-contained task: the sum of the bytes. */
export function byteSum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return sum;
}
