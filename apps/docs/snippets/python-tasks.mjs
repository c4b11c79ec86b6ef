// The task module of the "From Python" snippets. Python's workers find a function by
// its qualified name; @par's workers import this module by URL and call the export.

export function square(n) {
  return n * n;
}

/** Deliberately slow: counts the primes below `limit` by trial division. */
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

/** multiprocessing.Process target: greets, then exits with the code it is given. */
export function greet(name, code) {
  console.log(`hello ${name} from pid ${process.pid}`);
  process.exitCode = code;
}

/** A consumer thread: sums the numbers it takes from a queue until the queue is shut down. */
export async function consumer(queue) {
  let total = 0;
  for await (const n of queue) total += n; // marks each item done, ends after shutdown()
  return total;
}
