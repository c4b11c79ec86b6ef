// Plain-data form of every shared primitive, so a transfer handler can send one
// to another thread (the SharedArrayBuffers arrive as the same memory) and
// rebuild a working object there. Primitives are recognised by a Symbol.for
// method rather than instanceof, so two copies of the package interoperate.
// Types and the encoding side only: decoding goes through registry.ts, where
// every primitive registers its own decoder.
import { kToState } from './internal.js';
import type { ValueType } from './value.js';

/** A lock's wire form. */
export type LockState =
  | { readonly kind: 'Lock'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'RLock'; readonly buffer: SharedArrayBuffer };

/** The wire form of a shared primitive: structured-cloneable, shares memory. */
export type SharedState =
  | LockState
  | { readonly kind: 'Semaphore'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'Event'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'Barrier'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'Condition'; readonly buffer: SharedArrayBuffer; readonly lock: LockState }
  | {
      readonly kind: 'Value';
      readonly buffer: SharedArrayBuffer;
      readonly type: ValueType;
      readonly lock: LockState | null;
    };

/** The `kind` of a {@link SharedState}. */
export type SharedKind = SharedState['kind'];

/** The wire form of one kind of primitive. */
export type StateOf<K extends SharedKind> = Extract<SharedState, { kind: K }>;

/** Something that can describe itself as a {@link SharedState}. */
export interface SharedPrimitive {
  [kToState](): SharedState;
}

/** Whether `value` is one of the shared primitives of @par/threads (any copy of it). */
export function isSharedPrimitive(value: unknown): value is SharedPrimitive {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<SharedPrimitive>)[kToState] === 'function'
  );
}

/** The wire form of a shared primitive. */
export function toSharedState(value: SharedPrimitive): SharedState {
  return value[kToState]();
}
