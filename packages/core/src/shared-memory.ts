// Shared memory (a SharedArrayBuffer, or a typed array or DataView over one) can
// only be shared between threads. A transport without shared memory (processes)
// would copy it, and the worker's writes would be lost: such an argument is
// refused instead. Walked only after a message failed to serialize, never on the
// hot path.

const SAB: SharedArrayBufferConstructor | undefined =
  typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;

/** @internal Whether `value` is a SharedArrayBuffer or a view over one. */
export function isSharedMemory(value: unknown): boolean {
  if (SAB === undefined || typeof value !== 'object' || value === null) return false;
  if (value instanceof SAB) return true;
  return ArrayBuffer.isView(value) && value.buffer instanceof SAB;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/**
 * @internal Where the first shared memory inside `value` is, as a path from it
 * (`''` for `value` itself, `.data[2]`, `.get("k")`), or `undefined` if none.
 * Walks arrays, plain objects and class instances (own enumerable properties),
 * Maps and Sets; each object once.
 */
export function findSharedMemory(value: unknown, seen = new Set<object>()): string | undefined {
  if (SAB === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (isSharedMemory(value)) return '';
  if (seen.has(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = findSharedMemory(value[i], seen);
      if (inner !== undefined) return `[${i}]${inner}`;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const inner = findSharedMemory(v, seen);
      if (inner !== undefined)
        return `.get(${typeof k === 'string' ? JSON.stringify(k) : String(k)})${inner}`;
      if (findSharedMemory(k, seen) !== undefined) return '.keys()';
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) if (findSharedMemory(v, seen) !== undefined) return '.values()';
    return undefined;
  }
  for (const name of Object.keys(value)) {
    const inner = findSharedMemory((value as Record<string, unknown>)[name], seen);
    if (inner !== undefined) return `${key(name)}${inner}`;
  }
  return undefined;
}

/**
 * @internal The TypeError for shared memory handed to a worker that cannot share
 * it. `where` names the argument (`argument 0`, `argument 1 at .data`).
 */
export function sharedMemoryError(where: string, kind: string, cause?: unknown): TypeError {
  return new TypeError(
    `${where} is shared memory (a SharedArrayBuffer, or a typed array or DataView over one), which cannot cross a process boundary: a '${kind}' worker would only get a copy, and its writes would be lost. Use @par/threads (worker threads) to share memory, or a Queue / Pipe to talk to processes`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * @internal The argument of `args` holding shared memory, worded for an error
 * (`argument 1 at .data[2]`), or `undefined`. `chunk`: `args` are the items of a
 * map chunk (`a map item`, `a map item at [1]` for a starmap row's second argument).
 */
export function sharedMemoryArgument(args: readonly unknown[], chunk = false): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const path = findSharedMemory(args[i]);
    if (path === undefined) continue;
    const at = path === '' ? '' : ` at ${path}`;
    return chunk ? `a map item${at}` : `argument ${i}${at}`;
  }
  return undefined;
}
