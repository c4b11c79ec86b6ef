// Task module for the demo: plain exported functions, run in worker threads or
// child processes by reference ({ module URL, export name }), as Python pickles a
// function by its qualified name. The sequential runs call the same functions
// directly, so every run does exactly the same work.

/** @param {number} n */
export function square(n) {
  return n * n;
}

/**
 * Counts the primes in `[from, to)` by trial division: slow on purpose, so that
 * the work is CPU-bound and its result is easy to check (π(10⁶) = 78498).
 * @param {[from: number, to: number]} range
 */
export function countPrimesInRange([from, to]) {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
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

/**
 * A pipeline consumer: takes ranges from the `jobs` queue (a handle to the main
 * thread's queue) until it is shut down and drained, counts their primes and
 * returns how many ranges and primes it handled.
 * @param {AsyncIterable<[number, number]>} jobs
 */
export async function consumeRanges(jobs) {
  let ranges = 0;
  let primes = 0;
  for await (const range of jobs) {
    primes += countPrimesInRange(range);
    ranges++;
  }
  return { ranges, primes };
}

/** Takes its whole worker down, as a segfaulting addon or a stray `process.exit()` would. */
export function crash() {
  process.exit(3);
}

/** Keeps every array it allocates until the heap limit stops it. */
export function exhaustMemory() {
  const kept = [];
  for (;;) kept.push(new Array(100_000).fill(kept.length));
}

/** Never returns and never looks at its abort signal: only terminating its worker stops it. */
export function spinForever() {
  for (;;);
}
