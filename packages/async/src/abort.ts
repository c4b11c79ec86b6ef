// Abort helpers shared by everything that waits: a listener per wait, removed as soon
// as the wait ends, so long-lived signals never accumulate listeners.

interface Listeners {
  readonly callbacks: Set<() => void>;
  readonly handler: () => void;
}

// One 'abort' listener per signal, however many waits share it: a signal passed to
// hundreds of concurrent calls never trips Node's MaxListenersExceededWarning.
const bySignal = new WeakMap<AbortSignal, Listeners>();

/**
 * Calls `listener` once when `signal` aborts. Returns a function that removes it;
 * a no-op when there is no signal. Listeners run in the order they were added.
 */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (signal === undefined) return noop;
  let entry = bySignal.get(signal);
  if (entry === undefined) {
    const callbacks = new Set<() => void>();
    const handler = (): void => {
      bySignal.delete(signal);
      for (const callback of [...callbacks]) {
        try {
          callback();
        } catch (error) {
          // as with separate listeners: one that throws does not stop the others
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    };
    entry = { callbacks, handler };
    bySignal.set(signal, entry);
    signal.addEventListener('abort', handler, { once: true });
  }
  const { callbacks, handler } = entry;
  // a wrapper per registration, so the same function registered twice runs twice
  const registration = (): void => listener();
  callbacks.add(registration);
  return () => {
    if (!callbacks.delete(registration) || callbacks.size > 0) return;
    if (bySignal.get(signal)?.callbacks === callbacks) bySignal.delete(signal);
    signal.removeEventListener('abort', handler);
  };
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

/**
 * `true` for an error named `AbortError`: what `fetch`, streams and `node:timers/promises`
 * reject with when their signal aborts.
 */
export function isAbortError(error: unknown): boolean {
  return (
    error !== null &&
    (typeof error === 'object' || typeof error === 'function') &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}
