// Task module for the threads snippets: plain exported functions. Workers import
// it by URL, the way Python pickles a function by its qualified name.
import { taskSignal } from '@par/threads';

export function square(n) {
  return n * n;
}

export function isPrime(n) {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export function countPrimes(from, to) {
  let count = 0;
  for (let n = from; n < to; n++) if (isPrime(n)) count++;
  return count;
}

/** A long job that stops when its call is aborted or times out. */
export async function longJob(steps) {
  const signal = taskSignal();
  for (let i = 0; i < steps; i++) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 'finished';
}
