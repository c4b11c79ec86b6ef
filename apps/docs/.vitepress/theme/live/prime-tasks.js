// The live example's task module: the page's single-threaded run imports it directly,
// and each Web Worker of the pool loads it by URL. Self-contained (no imports), so the
// bundler copies it as it is.

/**
 * How many primes lie in [lo, hi), and their sum, by trial division by odd numbers:
 * deliberately CPU-bound, so that the work, not the messaging, dominates.
 * @param {[number, number]} range
 * @returns {{ count: number, sum: number }}
 */
export function primeStats([lo, hi]) {
  let count = 0;
  let sum = 0;
  for (let n = Math.max(lo, 2); n < hi; n++) {
    if (n > 2 && n % 2 === 0) continue;
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) {
      count++;
      sum += n;
    }
  }
  return { count, sum };
}

/**
 * [lo, hi) ranges that cover [0, limit) in `parts` equal pieces.
 * @param {number} limit
 * @param {number} parts
 * @returns {[number, number][]}
 */
export function ranges(limit, parts) {
  const size = Math.ceil(limit / parts);
  const out = [];
  for (let lo = 0; lo < limit; lo += size) out.push([lo, Math.min(lo + size, limit)]);
  return out;
}
