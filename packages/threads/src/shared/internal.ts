// Symbols through which Condition drives the lock it wraps (Python's
// `_is_owned`, `_release_save`, `_acquire_restore`), kept off the public API.
import type { Steps } from './runtime.js';

export const kIsOwned: unique symbol = Symbol('par.isOwned');
export const kReleaseSave: unique symbol = Symbol('par.releaseSave');
export const kAcquireRestore: unique symbol = Symbol('par.acquireRestore');
/** Frees what a worker thread that died held (see robust.ts). */
export const kRecover: unique symbol = Symbol('par.recover');
// Symbol.for, so that two copies of @par/threads in one thread (a bundle and
// the package) recognise each other's primitives.
export const kToState: unique symbol = Symbol.for('@par/threads.toSharedState') as never;

/** What Condition needs from its lock. */
export interface ConditionLock {
  [kIsOwned](): boolean;
  [kReleaseSave](): number;
  [kAcquireRestore](saved: number): Steps<void>;
}

/** How a worker thread ended, as recovery needs it. */
export interface DeadThread {
  /** Its {@link currentThreadId}. */
  readonly id: number;
  /**
   * It crashed, exited by itself or was killed (for a timeout, an abort,
   * `terminate()`) rather than retired idle by its pool.
   */
  readonly interrupted: boolean;
}

/** A primitive that can give back what a dead worker thread held. */
export interface Recoverable {
  readonly buffer: SharedArrayBuffer;
  [kRecover](dead: DeadThread): void;
}

/** Checks that `buffer` is a SharedArrayBuffer of at least `bytes` bytes. */
export function checkBuffer(name: string, buffer: unknown, bytes: number): SharedArrayBuffer {
  if (!(buffer instanceof sharedArrayBuffer())) {
    throw new TypeError(
      `Expected the buffer of a ${name} to be a SharedArrayBuffer, got ${Object.prototype.toString.call(buffer)}`,
    );
  }
  if (buffer.byteLength < bytes) {
    throw new RangeError(
      `Expected the buffer of a ${name} to hold at least ${bytes} bytes, got ${buffer.byteLength}`,
    );
  }
  return buffer;
}

/** Allocates the shared state of a primitive. */
export function allocate(bytes: number): SharedArrayBuffer {
  return new (sharedArrayBuffer())(bytes);
}

/**
 * The SharedArrayBuffer constructor, or a clear error where it does not exist:
 * browsers only provide it to cross-origin-isolated pages.
 */
export function sharedArrayBuffer(): SharedArrayBufferConstructor {
  if (typeof SharedArrayBuffer !== 'function') {
    throw new ReferenceError(
      'SharedArrayBuffer is not available. In a browser the page must be cross-origin isolated: serve it with the headers `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`.',
    );
  }
  return SharedArrayBuffer;
}
