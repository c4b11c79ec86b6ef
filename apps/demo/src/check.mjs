// The tour checks what it shows: a wrong result is a real failure, not a footnote.

export class DemoCheckError extends Error {
  name = 'DemoCheckError';
}

/** Throws DemoCheckError with `message` unless `ok`. */
export function check(ok, message) {
  if (!ok) throw new DemoCheckError(`demo check failed: ${message}`);
}
