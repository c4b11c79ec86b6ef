// How the tour writes numbers: durations, speed-ups and counts.

/** 2140.3 → "2.14 s", 245.2 → "245 ms". @param {number} ms */
export function duration(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** 1.914 → "1.91×". @param {number} ratio */
export function speedUp(ratio) {
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;
}

/** 216816 → "216,816". @param {number} n */
export function count(n) {
  return n.toLocaleString('en-US');
}

/** "2 workers", "1 worker". @param {number} n @param {string} word */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Milliseconds since `started` (a `performance.now()` reading). @param {number} started */
export function since(started) {
  return performance.now() - started;
}
