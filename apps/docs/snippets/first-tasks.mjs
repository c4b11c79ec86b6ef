// The task module of the first example: a CPU-bound function, exported so that
// worker threads can import it by URL.

/** Counts the primes in [from, to) by trial division: pure CPU work. */
export function countPrimes(from, to) {
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
