// Abort helpers shared by everything that waits: one listener per wait, removed
// as soon as the wait ends, so long-lived signals never accumulate listeners.

/** Returns a function that removes the listener; a no-op when there is no signal. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (signal === undefined) return noop;
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/** A shared no-op, so callers need no closure for "nothing to undo". */
export function noop(): void {}

/** `true` for anything with a callable `then` (a promise or a thenable). */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}

/** The reason `clearQueue()` uses: an `AbortError` DOMException, as `AbortSignal.abort()` gives. */
export function abortError(message = 'This operation was aborted'): Error {
  return new DOMException(message, 'AbortError') as unknown as Error;
}
