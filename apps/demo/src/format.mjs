// How the tour writes numbers: durations, speed-ups and counts.

/** 2140.3 → "2.14 s", 245.2 → "245 ms". */
export function duration(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** 1.914 → "1.91×". */
export function speedUp(ratio) {
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;
}

/** 216816 → "216,816". */
export function count(n) {
  return n.toLocaleString('en-US');
}

/** "2 workers", "1 worker". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Milliseconds since `started` (a `performance.now()` reading). */
export function since(started) {
  return performance.now() - started;
}
