// joblib.Memory: a function's results persisted on disk, keyed by the function's
// name and source text plus a deterministic hash of its arguments. Entries are
// written to a temporary file and renamed into place, so concurrent writers
// (threads, processes) never leave a corrupt entry; an unreadable entry is
// recomputed and rewritten. Node only.

import { optionMessage, validateOptions } from '@par/async/internal';
import {
  findClassInstance,
  hashText,
  hashValue,
  nodeModule,
  parameterNames,
} from './memory-hash.js';

interface Fs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ size: number; mtimeMs: number; isDirectory(): boolean }>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
  unlink(path: string): Promise<void>;
}

interface Path {
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
}

interface V8 {
  serialize(value: unknown): Uint8Array;
  deserialize(data: Uint8Array): unknown;
}

const ROOT = 'par-joblib';
const ENTRY = '.entry';
const FORMAT = 1;

/** Options of {@link Memory}. */
export interface MemoryOptions {
  /**
   * The cache directory (a path or a `file:` URL); `null` caches nothing (every
   * call runs the function). Entries live under `<location>/par-joblib`.
   * @example new Memory({ location: './.cache' })
   */
  location: string | URL | null;
}

/** Options of `memory.cache(fn, options)`. */
export interface CacheOptions {
  /**
   * Parameter names left out of the key (e.g. a `verbose` flag).
   * @default []
   * @example memory.cache(fit, { ignore: ['verbose'] })
   */
  ignore?: readonly string[];
}

/** Options of `memory.reduceSize`. Entries are evicted least recently used first. */
export interface ReduceSizeOptions {
  /** The most bytes kept: a number, or a string such as `'3K'`, `'10M'`, `'1G'` (1024-based). */
  bytesLimit?: number | string;
  /** The most entries kept. */
  itemsLimit?: number;
  /** Entries not used for longer than this many milliseconds are removed. */
  ageLimit?: number;
}

/** A cached function: always returns a Promise, and has `clear` and `checkCallInCache`. */
export interface CachedFunction<A extends unknown[], R> {
  (...args: A): Promise<R>;
  /** Removes this function's entries (those of its older versions too, when it has an identity). */
  clear(): Promise<void>;
  /** Whether `fn(...args)` has a cached result. */
  checkCallInCache(...args: A): Promise<boolean>;
  /** The function being cached. */
  readonly func: (...args: A) => R | PromiseLike<R>;
}

/** `'3K'` / `'10M'` / `'1G'` / a number of bytes → bytes (joblib's memstr_to_bytes). */
export function parseBytes(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(
        optionMessage('bytesLimit', 'a number of bytes >= 0 or a string such as "10M"', value),
      );
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      optionMessage('bytesLimit', 'a number of bytes or a string such as "10M"', value),
    );
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*$/i.exec(value);
  if (m === null) {
    throw new RangeError(
      optionMessage('bytesLimit', 'a number of bytes or a string such as "10M"', value),
    );
  }
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[
    (m[2] as string).toUpperCase() as '' | 'K' | 'M' | 'G'
  ];
  return Math.floor(Number(m[1]) * unit);
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^\w$.-]/g, '_').slice(0, 80);
  return cleaned === '' ? 'anonymous' : cleaned;
}

/**
 * The module that called `memory.cache` (the first stack frame outside this
 * file, without query or hash), or '' when the stack does not say (a trimmed
 * stack, or the caller bundled into the same file).
 */
function callerModule(): string {
  const files: string[] = [];
  for (const line of (new Error().stack ?? '').split('\n')) {
    const m = /^\s*at (?:async )?(?:.*? \()?(.+?):\d+:\d+\)?\s*$/.exec(line);
    if (m) files.push((m[1] as string).replace(/[?#].*$/, ''));
  }
  const self = files[0];
  return files.find((file) => file !== self) ?? '';
}

/**
 * The versions (directories) of the functions cached in this process, by
 * identity directory: a version in use here is never removed as stale, so two
 * functions of the same name and module cached side by side keep their entries.
 */
const liveVersions = new Map<string, Set<string>>();

/**
 * joblib's `Memory`: persists results of functions on disk under `location`.
 * Keys are the function's name and source text plus a deterministic hash of its
 * arguments (minus `ignore`), so different functions never share or evict each
 * other's entries. Changed source gets new entries; the stale versions are
 * removed when the function's identity is known, which is joblib's: its name and
 * the module that called `memory.cache` (anonymous functions have none, and
 * their old versions stay until `clear()` or `reduceSize`). Shared between
 * processes (atomic writes). Node only: in browsers a non-null `location` throws.
 *
 * @example
 * ```ts
 * const memory = new Memory({ location: './.cache' });
 * const slowSquare = memory.cache(async (x: number) => x * x);
 * await slowSquare(3); // computed
 * await slowSquare(3); // read from disk
 * ```
 */
export class Memory {
  /** The cache root (`<location>/par-joblib`), or `null` when caching is off. */
  readonly location: string | null;
  readonly #fs: Fs | undefined;
  readonly #path: Path | undefined;
  readonly #v8: V8 | undefined;

  constructor(options: MemoryOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(optionMessage('options', 'an options object with `location`', options));
    }
    const { location } = options;
    if (location === null || location === undefined) {
      if (location === undefined) {
        throw new TypeError(
          optionMessage('location', 'a directory path, a file: URL or null', location),
        );
      }
      this.location = null;
      return;
    }
    this.#fs = nodeModule<Fs>('node:fs/promises', 'Memory');
    this.#path = nodeModule<Path>('node:path', 'Memory');
    this.#v8 = nodeModule<V8>('node:v8', 'Memory');
    let dir: string;
    if (location instanceof URL) {
      const url = nodeModule<{ fileURLToPath(u: URL): string }>('node:url', 'Memory');
      dir = url.fileURLToPath(location);
    } else if (typeof location === 'string' && location.length > 0) dir = location;
    else {
      throw new TypeError(
        optionMessage('location', 'a directory path, a file: URL or null', location),
      );
    }
    this.location = this.#path.resolve(dir, ROOT);
  }

  /**
   * Wraps `fn` so its results are cached. The wrapper always returns a Promise
   * (async functions are cached too). Arguments must be serializable by
   * `node:v8` (no functions or symbols).
   *
   * @example
   * ```ts
   * const fit = memory.cache((data: number[], verbose: boolean) => train(data), { ignore: ['verbose'] });
   * ```
   */
  cache<A extends unknown[], R>(
    fn: (...args: A) => R,
    options: CacheOptions = {},
  ): CachedFunction<A, Awaited<R>> {
    if (typeof fn !== 'function') throw new TypeError(optionMessage('fn', 'a function', fn));
    validateOptions<CacheOptions>('options', options);
    const ignore = options.ignore ?? [];
    if (!Array.isArray(ignore) || ignore.some((n) => typeof n !== 'string')) {
      throw new TypeError(optionMessage('ignore', 'an array of parameter names', ignore));
    }
    const names = parameterNames(fn as (...args: never[]) => unknown);
    for (const name of ignore) {
      if (!names.includes(name)) {
        throw new RangeError(
          `\`ignore\` names \`${name}\`, which is not a parameter of ${fn.name || 'the function'} (parameters: ${names.filter(Boolean).join(', ') || 'none'})`,
        );
      }
    }
    const ignored = new Set(ignore.map((n) => names.indexOf(n)));
    const call = async (...args: A): Promise<Awaited<R>> => (await fn(...args)) as Awaited<R>;

    if (this.location === null) {
      return Object.assign(call, {
        clear: async () => undefined,
        checkCallInCache: async () => false,
        func: fn,
      }) as CachedFunction<A, Awaited<R>>;
    }

    const fs = this.#fs as Fs;
    const path = this.#path as Path;
    const v8 = this.#v8 as V8;
    const source = Function.prototype.toString.call(fn);
    // joblib's identity of a function: its module and name. Entries live in
    // <name>/<hash of module and name>/<hash of name and source>/.
    const module = callerModule();
    const known = fn.name !== '' && module !== '';
    const idDir = path.join(
      this.location,
      safeName(fn.name),
      hashText(`${module}\n${fn.name}`).slice(0, 16),
    );
    const dir = path.join(idDir, hashText(`${fn.name}\n${source}`).slice(0, 32));
    const versions = liveVersions.get(idDir) ?? new Set<string>();
    liveVersions.set(idDir, versions);
    versions.add(dir);
    /** Removes the other versions of this function (its changed source), when it has an identity. */
    const removeStale = async () => {
      if (!known) return;
      for (const version of await fs.readdir(idDir).catch(() => [] as string[])) {
        const other = path.join(idDir, version);
        if (!versions.has(other)) await fs.rm(other, { recursive: true, force: true });
      }
    };
    let prepared: Promise<void> | undefined;
    const prepare = () => {
      prepared ??= (async () => {
        await fs.mkdir(dir, { recursive: true });
        await removeStale();
      })();
      prepared.catch(() => {
        prepared = undefined;
      });
      return prepared;
    };
    const entryOf = (args: A) =>
      path.join(dir, `${hashValue(args.filter((_, i) => !ignored.has(i)))}${ENTRY}`);

    const read = async (file: string): Promise<{ value: unknown } | undefined> => {
      let data: Uint8Array;
      try {
        data = await fs.readFile(file);
      } catch {
        return undefined;
      }
      try {
        const entry = v8.deserialize(data) as { format?: number; value?: unknown };
        if (entry === null || typeof entry !== 'object' || entry.format !== FORMAT)
          return undefined;
        const now = new Date();
        await fs.utimes(file, now, now).catch(() => undefined);
        return { value: entry.value };
      } catch {
        return undefined; // corrupt: recomputed and rewritten
      }
    };

    const cached = async (...args: A): Promise<Awaited<R>> => {
      const file = entryOf(args);
      await prepare();
      const hit = await read(file);
      if (hit !== undefined) return hit.value as Awaited<R>;
      const value = await call(...args);
      // it would come back from the cache without its class: a later call would get
      // another kind of value than this one (joblib pickles the class along)
      const instance = findClassInstance(value, 'result');
      if (instance !== undefined) {
        throw new TypeError(
          `Memory cannot store the result of ${fn.name || 'the function'}: ${instance.path} is an instance of class ${instance.className}, which would come back from the cache as a plain object, its class and methods lost; return plain data (objects, arrays, Maps, Sets, Dates, typed arrays)`,
        );
      }
      const tmp = `${file}.${(globalThis as { process?: { pid?: number } }).process?.pid ?? 0}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(tmp, v8.serialize({ format: FORMAT, value }));
        await fs.rename(tmp, file);
      } catch (error) {
        await fs.unlink(tmp).catch(() => undefined);
        if (error instanceof Error && /could not be cloned|Unserializable/i.test(error.message)) {
          throw new TypeError(
            `Memory cannot store the result of ${fn.name || 'the function'}: ${error.message}`,
          );
        }
        throw error;
      }
      return value;
    };
    return Object.assign(cached, {
      clear: async () => {
        prepared = undefined;
        await fs.rm(dir, { recursive: true, force: true });
        await removeStale();
      },
      checkCallInCache: async (...args: A) => (await read(entryOf(args))) !== undefined,
      func: fn,
    }) as CachedFunction<A, Awaited<R>>;
  }

  /**
   * Removes every entry of every function.
   *
   * @example
   * ```ts
   * await memory.clear();
   * ```
   */
  async clear(): Promise<void> {
    if (this.location === null) return;
    await (this.#fs as Fs).rm(this.location, { recursive: true, force: true });
  }

  /**
   * Evicts least recently used entries until at most `bytesLimit` bytes and
   * `itemsLimit` entries remain, and removes entries unused for longer than
   * `ageLimit` ms.
   *
   * @example
   * ```ts
   * await memory.reduceSize({ bytesLimit: '100M', itemsLimit: 10_000, ageLimit: 7 * 24 * 3600_000 });
   * ```
   */
  async reduceSize(options: ReduceSizeOptions = {}): Promise<void> {
    validateOptions<ReduceSizeOptions>('options', options);
    const bytesLimit =
      options.bytesLimit === undefined ? undefined : parseBytes(options.bytesLimit);
    const { itemsLimit, ageLimit } = options;
    if (
      itemsLimit !== undefined &&
      (typeof itemsLimit !== 'number' || !Number.isInteger(itemsLimit) || itemsLimit < 0)
    ) {
      const err = typeof itemsLimit === 'number' ? RangeError : TypeError;
      throw new err(optionMessage('itemsLimit', 'an integer >= 0', itemsLimit));
    }
    if (
      ageLimit !== undefined &&
      (typeof ageLimit !== 'number' || Number.isNaN(ageLimit) || ageLimit < 0)
    ) {
      const err = typeof ageLimit === 'number' ? RangeError : TypeError;
      throw new err(optionMessage('ageLimit', 'a number of milliseconds >= 0', ageLimit));
    }
    if (this.location === null) return;
    const fs = this.#fs as Fs;
    const path = this.#path as Path;
    const entries: { file: string; size: number; used: number }[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, name);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat === undefined) continue;
        if (stat.isDirectory()) await walk(file);
        else if (name.endsWith(ENTRY)) entries.push({ file, size: stat.size, used: stat.mtimeMs });
      }
    };
    await walk(this.location);
    entries.sort((a, b) => a.used - b.used); // least recently used first
    const now = Date.now();
    let bytes = entries.reduce((sum, e) => sum + e.size, 0);
    let items = entries.length;
    for (const entry of entries) {
      const tooOld = ageLimit !== undefined && now - entry.used > ageLimit;
      const tooBig = bytesLimit !== undefined && bytes > bytesLimit;
      const tooMany = itemsLimit !== undefined && items > itemsLimit;
      if (!tooOld && !tooBig && !tooMany) continue;
      await fs.rm(entry.file, { recursive: true, force: true });
      bytes -= entry.size;
      items--;
    }
  }
}
