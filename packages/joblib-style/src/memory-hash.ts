// Deterministic argument hashing for Memory: values are canonicalised (object
// keys sorted, Map and Set entries sorted by their own encoding) and encoded with
// node:v8 serialization, which keeps typed arrays, Maps, Sets, Dates and BigInts.

interface V8 {
  serialize(value: unknown): Uint8Array;
  deserialize(data: Uint8Array): unknown;
}

interface Crypto {
  createHash(algorithm: string): {
    update(data: Uint8Array | string): { digest(encoding: 'hex'): string };
  };
}

/** @internal A Node built-in module, or a clear error where there is none. */
export function nodeModule<T>(id: string, what: string): T {
  const mod = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.(id) as T | undefined;
  if (mod === undefined) {
    throw new Error(
      `${what} needs Node.js (${id}); it is not available in this runtime (browsers have no file system)`,
    );
  }
  return mod;
}

function encodeKey(v8: V8, crypto: Crypto, value: unknown): string {
  return crypto.createHash('sha256').update(v8.serialize(value)).digest('hex');
}

/**
 * The class name of an object that is an instance of a class, not a plain object,
 * an array, a Map or a Set (the built-ins the callers deal with first); else undefined.
 */
function instanceClass(value: object): string | undefined {
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return undefined;
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'anonymous class';
}

function canonical(value: unknown, v8: V8, crypto: Crypto, seen: Set<unknown>): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`Memory cannot hash a ${typeof value} argument`);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) throw new TypeError('Memory cannot hash a cyclic argument');
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) {
    return value;
  }
  if (value instanceof RegExp) return { __regexp: String(value) };
  if (typeof URL === 'function' && value instanceof URL) return { __url: value.href };
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return value;
  }
  // an instance: its class is part of what it is (as in joblib, which pickles it)
  const className = instanceClass(value);
  if (className !== undefined && Object.keys(value).length === 0) {
    throw new TypeError(
      `Memory cannot hash an instance of ${className}: it has no own enumerable properties, so its state (private fields, internal slots) is invisible and every instance would hash the same; pass plain data instead`,
    );
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => canonical(v, v8, crypto, seen));
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => {
        const ck = canonical(k, v8, crypto, seen);
        return [encodeKey(v8, crypto, ck), ck, canonical(v, v8, crypto, seen)] as const;
      });
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return new Map(entries.map(([, k, v]) => [k, v]));
    }
    if (value instanceof Set) {
      const items = [...value].map((v) => {
        const cv = canonical(v, v8, crypto, seen);
        return [encodeKey(v8, crypto, cv), cv] as const;
      });
      items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return new Set(items.map(([, v]) => v));
    }
    const out: Record<string, unknown> = className === undefined ? {} : { __class: className };
    const prefix = className === undefined ? '' : '.';
    for (const key of Object.keys(value).sort()) {
      out[prefix + key] = canonical((value as Record<string, unknown>)[key], v8, crypto, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A deterministic hex digest of `value`: equal values (same keys in any order,
 * Maps and Sets with the same entries in any order) hash equal.
 *
 * @example
 * ```ts
 * hashValue({ a: 1, b: 2 }) === hashValue({ b: 2, a: 1 }); // true
 * ```
 */
export function hashValue(value: unknown): string {
  const v8 = nodeModule<V8>('node:v8', 'Memory');
  const crypto = nodeModule<Crypto>('node:crypto', 'Memory');
  return encodeKey(v8, crypto, canonical(value, v8, crypto, new Set()));
}

/**
 * @internal The first class instance inside `value` (itself included) that `node:v8`
 * would bring back as a plain object, its class and methods lost; `path` names
 * `value`. Built-ins v8 keeps (Dates, RegExps, Maps, Sets, typed arrays, errors,
 * boxed primitives) are not such instances; their contents are searched.
 */
export function findClassInstance(
  value: unknown,
  path: string,
  seen = new Set<unknown>(),
): { path: string; className: string } | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Error ||
    value instanceof Number ||
    value instanceof String ||
    value instanceof Boolean
  ) {
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found =
        findClassInstance(k, `${path} (a key)`, seen) ??
        findClassInstance(
          v,
          `${path}.get(${typeof k === 'string' ? JSON.stringify(k) : '…'})`,
          seen,
        );
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = findClassInstance(v, `${path} (an item)`, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const className = instanceClass(value);
  if (className !== undefined) return { path, className };
  for (const key of Object.keys(value)) {
    const found = findClassInstance(
      (value as Record<string, unknown>)[key],
      Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`,
      seen,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

/** @internal sha256 of a string, hex. */
export function hashText(text: string): string {
  return nodeModule<Crypto>('node:crypto', 'Memory')
    .createHash('sha256')
    .update(text)
    .digest('hex');
}

/** The names of a function's parameters, from its source (destructured ones have none). */
export function parameterNames(fn: (...args: never[]) => unknown): (string | undefined)[] {
  const source = Function.prototype.toString.call(fn);
  let params: string;
  const arrowSingle = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrowSingle) params = arrowSingle[1] as string;
  else {
    const open = source.indexOf('(');
    if (open < 0) return [];
    let depth = 0;
    let end = open;
    for (let i = open; i < source.length; i++) {
      const c = source[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    params = source.slice(open + 1, end);
  }
  const names: (string | undefined)[] = [];
  let depth = 0;
  let current = '';
  for (const c of `${params},`) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      const m = /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(current.replace(/\/\*[\s\S]*?\*\//g, ''));
      if (current.trim() !== '') names.push(m ? m[1] : undefined);
      current = '';
    } else current += c;
  }
  return names;
}
