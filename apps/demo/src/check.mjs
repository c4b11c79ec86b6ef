// The tour checks what it shows: a wrong result is a real failure, not a footnote.

export class DemoCheckError extends Error {
  /** @override */
  name = 'DemoCheckError';
}

/**
 * Throws DemoCheckError with `message` unless `ok`.
 * @param {boolean} ok
 * @param {string} message
 * @returns {asserts ok}
 */
export function check(ok, message) {
  if (!ok) throw new DemoCheckError(`demo check failed: ${message}`);
}
