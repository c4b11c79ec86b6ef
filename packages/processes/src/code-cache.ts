// V8's code cache for the child entry, which process-boot.ts runs with it. The entry
// is one bundle of about 130 kB: compiling it is a few milliseconds of every child's
// start-up, which the cache saves from the second child on.
//
// - The cache is one file per entry file (its path, size, mtime and inode), Node
//   version, architecture and `execArgv` (V8 refuses a cache made under other flags),
//   in `$NODE_COMPILE_CACHE/par` when that is set, else in `<tmpdir>/par-compile-cache`.
//   `NODE_DISABLE_COMPILE_CACHE=1` turns it off. These are Node's own variables for its
//   compile cache, which Node 20 lacks.
// - It is read only from a directory of this user that nobody else can write to.
// - A child that found no cache, or one V8 rejected, writes it once it answered its
//   first call (process-boot.ts), or a second after it started if that comes first.
//   By then the functions a call runs are compiled too, and the cache holds them. It
//   writes a file of its own that it then renames: two children never write into the
//   same file, and no child reads half a file.
// - The cache only saves time. Any failure to read or write it is ignored, and the
//   entry is compiled from its source as before.
//
// It loads one built-in module that a child would not load otherwise: vm.
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** What the start of this child did with the cache: for tests and diagnostics. */
export type CodeCacheState = 'hit' | 'miss' | 'rejected' | 'off';

/** The directory of the cache, or undefined when it is off. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') {
    return undefined;
  }
  if (env.NODE_COMPILE_CACHE) return join(env.NODE_COMPILE_CACHE, 'par');
  // os.tmpdir()'s rule on POSIX, without loading node:os
  const tmp = env.TMPDIR || env.TMP || env.TEMP || '/tmp';
  return join(
    process.platform === 'win32' ? tmp : tmp.replace(/(.)\/+$/, '$1'),
    'par-compile-cache',
  );
}

/** Whether a directory is this user's and nobody else can write to it. */
function isPrivate(directory: string): boolean {
  const stat = statSync(directory);
  if (!stat.isDirectory()) return false;
  if (process.getuid === undefined) return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

/** FNV-1a of a string, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache's file for an entry file, and the key written at its start: the cache is
 * used only when the key matches, so a changed entry file never meets an old cache.
 */
export function cacheFile(directory: string, entry: string): { file: string; key: string } {
  const stat = statSync(entry);
  const node = `${process.version}\0${process.arch}\0${process.execArgv.join('\0')}`;
  const key = `${entry}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\0${node}\n`;
  return {
    file: join(directory, `entry-${process.version}-${process.arch}-${hash(key)}.bin`),
    key,
  };
}

function readCache(file: string, key: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const keyLength = Buffer.byteLength(key);
  if (data.length <= keyLength || data.toString('utf8', 0, keyLength) !== key) return undefined;
  return data.subarray(keyLength);
}

function writeCache(directory: string, file: string, key: string, data: Buffer): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (!isPrivate(directory)) return;
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, Buffer.concat([Buffer.from(key), data]), { mode: 0o600 });
    renameSync(partial, file);
  } catch (error) {
    try {
      unlinkSync(partial);
    } catch {}
    throw error;
  }
}

/** After this long, a child that found no usable cache writes one. */
const WRITE_AFTER_MS = 1000;

/** A CommonJS file compiled, not run yet. */
export interface CompiledEntry {
  /** What the compile did with the cache. */
  state: CodeCacheState;
  /** Runs the file with these as its CommonJS module variables. */
  run(exports: unknown, require: NodeJS.Require, module: NodeJS.Module, dirname: string): void;
  /**
   * Writes the cache now, unless it was used, is off, or was written already (once
   * per process). Returns whether this call wrote it.
   */
  write(): boolean;
}

/**
 * Compiles a CommonJS file with its code cache. Unless the cache was used, the cache
 * is written by `write()`, or `WRITE_AFTER_MS` later at the latest (on a timer that does
 * not keep the process alive).
 */
export function compileCached(entry: string, env: NodeJS.ProcessEnv): CompiledEntry {
  const source = readFileSync(entry, 'utf8');
  const directory = cacheDirectory(env);
  let target: { file: string; key: string } | undefined;
  let cachedData: Buffer | undefined;
  if (directory !== undefined) {
    try {
      target = cacheFile(directory, entry);
      if (isPrivate(directory)) cachedData = readCache(target.file, target.key);
    } catch {
      // no directory yet, or no entry file to stat: compile from the source
    }
  }
  // the wrapper on a line of its own, which lineOffset takes back: the entry's stack
  // frames show its own lines and columns
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {\n${source}\n})`,
    {
      filename: entry,
      lineOffset: -1,
      ...(cachedData !== undefined ? { cachedData } : {}),
    },
  );
  const state: CodeCacheState =
    target === undefined
      ? 'off'
      : cachedData === undefined
        ? 'miss'
        : script.cachedDataRejected
          ? 'rejected'
          : 'hit';
  const compiled = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: NodeJS.Module,
    filename: string,
    dirname: string,
  ) => void;
  // where the cache is still to be written: cleared once it was
  let unwritten =
    directory !== undefined && target !== undefined && state !== 'hit'
      ? { directory, ...target }
      : undefined;
  const write = (): boolean => {
    if (unwritten === undefined) return false;
    const { directory, file, key } = unwritten;
    unwritten = undefined;
    clearTimeout(timer);
    try {
      writeCache(directory, file, key, script.createCachedData());
      return true;
    } catch {
      // a cache that cannot be written is only time not saved
      return false;
    }
  };
  const timer = unwritten !== undefined ? setTimeout(write, WRITE_AFTER_MS).unref() : undefined;
  return {
    state,
    run: (exports, require, module, dirname) =>
      compiled.call(exports, exports, require, module, entry, dirname),
    write,
  };
}
