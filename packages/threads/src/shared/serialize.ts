// Plain-data form of every shared primitive, so a transfer handler can send one
// to another thread (the SharedArrayBuffers arrive as the same memory) and
// rebuild a working object there. Primitives are recognised by a Symbol.for
// method rather than instanceof, so two copies of the package interoperate.
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import { Event } from './event.js';
import { kToState } from './internal.js';
import { Lock } from './lock.js';
import { RLock } from './rlock.js';
import { Semaphore } from './semaphore.js';
import { Value, type ValueType } from './value.js';

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

function fromLockState(state: LockState): Lock | RLock {
  return state.kind === 'RLock' ? RLock.fromShared(state.buffer) : Lock.fromShared(state.buffer);
}

/** Rebuilds a working primitive from its wire form (in any thread). */
export function fromSharedState(
  state: SharedState,
): Lock | RLock | Semaphore | Event | Barrier | Condition | Value<ValueType> {
  switch (state.kind) {
    case 'Lock':
    case 'RLock':
      return fromLockState(state);
    case 'Semaphore':
      return Semaphore.fromShared(state.buffer);
    case 'Event':
      return Event.fromShared(state.buffer);
    case 'Barrier':
      return Barrier.fromShared(state.buffer);
    case 'Condition':
      return Condition.fromShared(state.buffer, fromLockState(state.lock));
    case 'Value':
      return Value.fromShared(
        state.type,
        state.buffer,
        state.lock ? fromLockState(state.lock) : undefined,
      );
    default:
      throw new TypeError(
        `Unknown shared primitive kind ${String((state as { kind: unknown }).kind)}`,
      );
  }
}
