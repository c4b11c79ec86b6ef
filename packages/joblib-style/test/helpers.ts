import { tasks } from '../dist/index.js';

export const fixtureUrl = new URL('./fixtures/tasks.mjs', import.meta.url);
export const t = tasks<typeof import('./fixtures/tasks.mjs')>(fixtureUrl);

/** Resolves once flags[index] is no longer 0 (a latch set by a worker). */
export async function waitForFlag(flags: Int32Array, index: number): Promise<void> {
  const { waitAsync } = Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      t: number,
    ): { async: boolean; value: Promise<string> | string };
  };
  const result = waitAsync(flags, index, 0, 20_000);
  if (result.async) await result.value;
}

/** A generator of delayed calls that counts how far it was read and whether it was closed. */
export function countingInput<T>(make: (i: number) => T, length = Number.POSITIVE_INFINITY) {
  const state = { read: 0, closed: false };
  function* gen() {
    try {
      for (let i = 0; i < length; i++) {
        state.read++;
        yield make(i);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, input: gen() };
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
