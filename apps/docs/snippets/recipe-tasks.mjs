// Task module of the recipes: number crunching on a buffer the worker receives by transfer.
import { transfer } from '@par/threads';

/** Normalises a chunk in place (x → (x − mean) / sd) and hands the buffer back without a copy. */
export function standardise(buffer) {
  const xs = new Float64Array(buffer);
  let mean = 0;
  for (const x of xs) mean += x / xs.length;
  let variance = 0;
  for (const x of xs) variance += (x - mean) ** 2 / xs.length;
  const sd = Math.sqrt(variance) || 1;
  for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] - mean) / sd;
  return transfer(buffer, [buffer]);
}
