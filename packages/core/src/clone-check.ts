// Structured clone (and V8 serialization between processes) copies an object's own
// enumerable properties, never its prototype or its `#private` fields: an instance
// of a class that keeps its state in private fields, or behind getters, arrives as
// an empty `{}` without any error. This check finds such an instance in a call's
// arguments or a task's result before anything is sent, so the call fails with a
// NotCloneableError naming where it was instead of losing the data silently.
//
// The rule: an object whose prototype is neither `Object.prototype` nor `null`, with
// no own enumerable property, whose structured clone is an empty plain object. The
// clone decides for built-ins and host objects (a Map, a Blob, a KeyObject keep
// their type, a MessagePort to be transferred does not clone here and is left to
// the transport). An instance with own data arrives as a plain object with that
// data, as documented, and is left alone.

import { TaskFlag } from './protocol.js';

/** @internal A class instance that would arrive as `{}`: where it is and its class. */
export interface LostInstance {
  /** `argument 0.items[2]`, `result.owner`. */
  readonly path: string;
  readonly className: string;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

function property(key: string): string {
  return identifier.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function mapKey(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (typeof key === 'bigint') return `${key}n`;
  return `<key #${index}>`;
}

/** Objects whose content structured clone copies by its own rules: nothing inside to check. */
function isOpaque(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error
  );
}

function isPlainPrototype(proto: unknown): boolean {
  if (proto === Object.prototype || proto === null) return true;
  // a plain object from another realm (a vm context)
  return (
    Object.getPrototypeOf(proto) === null &&
    (proto as { constructor?: { name?: unknown } }).constructor?.name === 'Object'
  );
}

/** Whether structured clone turns `value` (an object without own enumerable properties) into `{}`. */
function arrivesEmpty(value: object): boolean {
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch {
    return false; // does not clone at all: the transport reports it
  }
  return (
    typeof copy === 'object' &&
    copy !== null &&
    Object.getPrototypeOf(copy) === Object.prototype &&
    Object.keys(copy).length === 0
  );
}

function classNameOf(proto: object): string {
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : '(anonymous class)';
}

/** Nesting deeper than this is not looked into (the walk recurses). */
const MAX_DEPTH = 1000;

/** What the walk found: the class, and the path to it from the inside out. */
interface Found {
  readonly className: string;
  readonly parts: string[];
}

interface Walk {
  readonly root: object;
  /**
   * The objects walked, so that shared and cyclic parts are walked once; made when
   * the walk first goes below the root (a flat argument allocates nothing).
   */
  seen: Set<object> | undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Walks into `object[key]`; on a find, adds the key to its path. */
function visitProperty(
  object: Record<string, unknown>,
  key: string,
  depth: number,
  walk: Walk,
): Found | undefined {
  let child: unknown;
  try {
    child = object[key];
  } catch {
    return undefined; // a getter that throws: the transport reports it
  }
  if (!isObject(child)) return undefined;
  const found = scan(child, depth + 1, walk);
  found?.parts.push(property(key));
  return found;
}

function scan(object: object, depth: number, walk: Walk): Found | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (depth > 0) {
    walk.seen ??= new Set([walk.root]);
    if (walk.seen.has(object)) return undefined;
    walk.seen.add(object);
  }
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      if (!isObject(item)) continue;
      const found = scan(item, depth + 1, walk);
      if (found !== undefined) {
        found.parts.push(`[${i}]`);
        return found;
      }
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(object);
  if (isPlainPrototype(proto)) {
    for (const key in object) {
      const found = visitProperty(object as Record<string, unknown>, key, depth, walk);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (object instanceof Map) {
    let i = 0;
    for (const [k, v] of object) {
      const inKey = isObject(k) ? scan(k, depth + 1, walk) : undefined;
      if (inKey !== undefined) {
        inKey.parts.push(`.keys()[${i}]`);
        return inKey;
      }
      const inValue = isObject(v) ? scan(v, depth + 1, walk) : undefined;
      if (inValue !== undefined) {
        inValue.parts.push(`.get(${mapKey(k, i)})`);
        return inValue;
      }
      i++;
    }
    return undefined;
  }
  if (object instanceof Set) {
    let i = 0;
    for (const item of object) {
      const found = isObject(item) ? scan(item, depth + 1, walk) : undefined;
      if (found !== undefined) {
        found.parts.push(`.values()[${i}]`);
        return found;
      }
      i++;
    }
    return undefined;
  }
  if (isOpaque(object)) return undefined;
  // a class instance (or a host object): structured clone copies its own data
  const keys = Object.keys(object);
  if (keys.length === 0) {
    return arrivesEmpty(object)
      ? { className: classNameOf(proto as object), parts: [] }
      : undefined;
  }
  for (const key of keys) {
    const found = visitProperty(object as Record<string, unknown>, key, depth, walk);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * @internal The first class instance inside `value` (itself included) that would
 * arrive on the other side as an empty plain object, or `undefined`. `path` names
 * `value` in the result (`argument 0`).
 */
export function findLostInstance(value: unknown, path: string): LostInstance | undefined {
  if (!isObject(value)) return undefined;
  const found = scan(value, 0, { root: value, seen: undefined });
  if (found === undefined) return undefined;
  return { path: path + found.parts.reverse().join(''), className: found.className };
}

/**
 * @internal {@link findLostInstance} over a call's wire arguments: `argument 0…`,
 * or for a map chunk whose first item is input item `start`, `map item 3`
 * (`map item 3, argument 1` for starmap).
 */
export function findLostInstanceInArgs(
  args: unknown[],
  flags: number,
  start = 0,
): LostInstance | undefined {
  if ((flags & TaskFlag.Chunk) === 0) {
    for (let i = 0; i < args.length; i++) {
      // a number or string cannot hold an instance: no path is built for it (a hot path)
      if (!isObject(args[i])) continue;
      const lost = findLostInstance(args[i], `argument ${i}`);
      if (lost !== undefined) return lost;
    }
    return undefined;
  }
  const items = args[0];
  if (!Array.isArray(items)) return undefined; // a packed chunk of numbers
  const star = (flags & TaskFlag.Star) !== 0;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (typeof item !== 'object' || item === null) continue;
    if (star && Array.isArray(item)) {
      for (let j = 0; j < item.length; j++) {
        const lost = findLostInstance(item[j], `map item ${start + i}, argument ${j}`);
        if (lost !== undefined) return lost;
      }
    } else {
      const lost = findLostInstance(item, `map item ${start + i}`);
      if (lost !== undefined) return lost;
    }
  }
  return undefined;
}

/** @internal Why a {@link LostInstance} cannot be sent, and what to do instead. */
export function lostInstanceReason(lost: LostInstance): string {
  return `it has no own enumerable property, so it would arrive as an empty object {} (#private fields, getters and methods do not travel): send its data as a plain object, or register a transfer handler for ${lost.className}`;
}
