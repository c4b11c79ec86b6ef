// Task module for the demo: plain exported functions, run in worker threads or
// child processes by reference ({ module URL, export name }), as Python pickles a
// function by its qualified name.

/** @param {number} n */
export function square(n) {
  return n * n;
}

/** Counts the primes below `limit` the slow way: CPU-bound work for the pools. */
export function countPrimes(limit) {
  let count = 0;
  for (let n = 2; n < limit; n++) {
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

/** Adds `times` to a shared counter, taking the shared lock for each increment. */
export function addUnderLock(lock, counter, times) {
  for (let i = 0; i < times; i++) {
    lock.acquire();
    try {
      counter.value += 1;
    } finally {
      lock.release();
    }
  }
}

/** A task that takes its whole process down, to show isolation. */
export function crash() {
  process.exit(3);
}

/** Exits its process with a chosen code: multiprocessing.Process's exitcode. */
export function exitWith(code) {
  process.exitCode = code;
}
