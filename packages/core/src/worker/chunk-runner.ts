// The chunk runner: one map chunk runs as a loop in the worker, and a chunk of
// numbers comes back as one transferred Float64Array instead of cloned items.

import { transfer } from '../transfer.js';
import type { AnyFn } from './task-loader.js';

/** Chunks of at least this many numbers travel packed in a Float64Array. */
export const PACK_MIN = 16;

/** Calls a task function with its arguments. */
export function invoke(fn: AnyFn, args: unknown[]): unknown {
  return fn.apply(undefined, args);
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** Numbers-only results go back as a transferred Float64Array (no per-item cloning). */
function packResults(out: unknown[]): unknown {
  const n = out.length;
  for (let i = 0; i < n; i++) if (typeof out[i] !== 'number') return out;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = out[i] as number;
  return transfer(packed, [packed.buffer]);
}

/** Runs `fn` over a chunk's items; the result is an array, a packed array, or a promise of one. */
export function runChunk(fn: AnyFn, items: ArrayLike<unknown>, star: boolean): unknown {
  const n = items.length;
  const out = new Array<unknown>(n);
  let async = false;
  let numbers = true;
  if (star) {
    for (let i = 0; i < n; i++) {
      const r = fn.apply(undefined, items[i] as unknown[]);
      if (typeof r !== 'number') {
        numbers = false;
        if (!async && isThenable(r)) async = true;
      }
      out[i] = r;
    }
  } else {
    // Optimistic: write numbers straight into a Float64Array; the first
    // non-number result switches to a plain array.
    const packed = n >= PACK_MIN ? new Float64Array(n) : undefined;
    let i = 0;
    if (packed !== undefined) {
      for (; i < n; i++) {
        const r = fn(items[i]);
        if (typeof r !== 'number') {
          for (let j = 0; j < i; j++) out[j] = packed[j];
          out[i] = r;
          numbers = false;
          if (isThenable(r)) async = true;
          i++;
          break;
        }
        packed[i] = r;
      }
      if (numbers) return transfer(packed, [packed.buffer]);
    }
    for (; i < n; i++) {
      const r = fn(items[i]);
      if (typeof r !== 'number') {
        numbers = false;
        if (!async && isThenable(r)) async = true;
      }
      out[i] = r;
    }
  }
  if (async) return Promise.all(out).then(packResults);
  return numbers && n >= PACK_MIN ? packResults(out) : out;
}
