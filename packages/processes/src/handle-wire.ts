// Objects that live in the parent (pipe ends, queues) cross into a child as a
// small marker; the child turns the marker back into a proxy whose calls travel
// over the IPC channel to the owner. This file holds the wire shapes and the
// walkers that swap objects for markers and back.

/** A hosted object as it travels to a child. */
export interface HandleMarker {
  readonly __parHandle: string;
  /** The hosted object's id in the parent. */
  readonly id: number;
  /** The holder token: released when the child closes the handle or exits. */
  readonly tk: number;
}

/** child -> parent: a call on a hosted object (`r` set when a reply is wanted). */
export interface HandleCall {
  t: 'par:h';
  id: number;
  tk: number;
  op: string;
  a: unknown[];
  r?: number;
}

/** child -> parent: abandon a pending call. */
export interface HandleCancel {
  t: 'par:hc';
  r: number;
}

/** parent -> child: the outcome of a call. */
export type HandleReply =
  | { t: 'par:hr'; r: number; ok: true; v: unknown }
  | { t: 'par:hr'; r: number; ok: false; e: unknown };

export function isHandleMarker(value: unknown): value is HandleMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as HandleMarker).__parHandle === 'string' &&
    typeof (value as HandleMarker).id === 'number'
  );
}

/** Implemented by values that cross into a child as a handle (a parent-side Connection). */
export const toHandleMarker: unique symbol = Symbol.for('@par/processes.toHandleMarker');

/** Registers a holder token with the child that receives the marker. */
export type Adopt = (token: number) => void;

export interface HandleEncodable {
  [toHandleMarker](adopt: Adopt): HandleMarker;
}

/** Extra encoders for classes this package does not own (a @par/queue Queue). */
const encoders: Array<{
  test: (value: unknown) => boolean;
  encode: (value: unknown, adopt: Adopt) => HandleMarker;
}> = [];

export function registerHandleEncoder<T>(
  test: (value: unknown) => value is T,
  encode: (value: T, adopt: Adopt) => HandleMarker,
): void {
  encoders.push({ test, encode: encode as (value: unknown, adopt: Adopt) => HandleMarker });
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function encodeOne(value: unknown, adopt: Adopt): HandleMarker | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (toHandleMarker in value) return (value as HandleEncodable)[toHandleMarker](adopt);
  for (const encoder of encoders) if (encoder.test(value)) return encoder.encode(value, adopt);
  return undefined;
}

/**
 * Returns `value` with every handle-encodable object (in arrays and plain objects,
 * at any depth) replaced by its marker. Containers without handles are returned
 * as they are, so ordinary arguments cost one walk and no copy.
 */
export function encodeHandles<T>(value: T, adopt: Adopt, seen = new Set<object>()): T {
  const marker = encodeOne(value, adopt);
  if (marker) return marker as T;
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const encoded = encodeHandles(item, adopt, seen);
      if (encoded !== item) {
        copy ??= value.slice();
        copy[i] = encoded;
      }
    }
    return (copy ?? value) as T;
  }
  if (!isPlain(value)) return value;
  seen.add(value);
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const encoded = encodeHandles(item, adopt, seen);
    if (encoded !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = encoded;
    }
  }
  return (copy ?? value) as T;
}

/** The child-side inverse of {@link encodeHandles}: markers become proxies. */
export function reviveHandles<T>(
  value: T,
  revive: (marker: HandleMarker) => unknown,
  seen = new Set<object>(),
): T {
  if (isHandleMarker(value)) return revive(value) as T;
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    for (let i = 0; i < value.length; i++) value[i] = reviveHandles(value[i], revive, seen);
    return value;
  }
  if (!isPlain(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = reviveHandles(record[key], revive, seen);
  return value;
}
