// Plain-data form of every shared primitive, so a transfer handler can send one
// to another thread (the SharedArrayBuffers arrive as the same memory) and
// rebuild a working object there.
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import { Event } from './event.js';
import { kValueLock } from './internal.js';
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

/** Every class that `toSharedState` accepts. */
export type SharedPrimitive =
  | Lock
  | RLock
  | Semaphore
  | Event
  | Barrier
  | Condition
  | Value<ValueType>;

/** Whether `value` is one of the shared primitives of @par/threads. */
export function isSharedPrimitive(value: unknown): value is SharedPrimitive {
  return (
    value instanceof Lock ||
    value instanceof RLock ||
    value instanceof Semaphore ||
    value instanceof Event ||
    value instanceof Barrier ||
    value instanceof Condition ||
    value instanceof Value
  );
}

function lockState(lock: Lock | RLock): LockState {
  return lock instanceof RLock
    ? { kind: 'RLock', buffer: lock.buffer }
    : { kind: 'Lock', buffer: lock.buffer };
}

/** The wire form of a shared primitive. */
export function toSharedState(value: SharedPrimitive): SharedState {
  if (value instanceof Lock || value instanceof RLock) return lockState(value);
  if (value instanceof Semaphore) return { kind: 'Semaphore', buffer: value.buffer };
  if (value instanceof Event) return { kind: 'Event', buffer: value.buffer };
  if (value instanceof Barrier) return { kind: 'Barrier', buffer: value.buffer };
  if (value instanceof Condition) {
    return { kind: 'Condition', buffer: value.buffer, lock: lockState(value.lock) };
  }
  if (value instanceof Value) {
    const lock = value[kValueLock]();
    return {
      kind: 'Value',
      buffer: value.buffer,
      type: value.type,
      lock: lock ? lockState(lock) : null,
    };
  }
  throw new TypeError('Expected a shared primitive from @par/threads');
}

function fromLockState(state: LockState): Lock | RLock {
  return state.kind === 'RLock' ? RLock.fromShared(state.buffer) : Lock.fromShared(state.buffer);
}

/** Rebuilds a working primitive from its wire form (in any thread). */
export function fromSharedState(state: SharedState): SharedPrimitive {
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
