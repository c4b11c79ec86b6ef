// The input check shared by map, starmap, imap and imapUnordered of a cluster pool.

/**
 * @internal Whether `iterable` is async; throws a TypeError naming what it got
 * when it is neither an iterable nor an async iterable.
 */
export function checkIterable(iterable: unknown): boolean {
  if (iterable !== null && iterable !== undefined) {
    if (typeof (iterable as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      return true;
    }
    if (typeof (iterable as Iterable<unknown>)[Symbol.iterator] === 'function') return false;
  }
  throw new TypeError(
    `Expected \`iterable\` to be an iterable or async iterable, got ${
      iterable === null ? 'null' : typeof iterable
    }`,
  );
}
