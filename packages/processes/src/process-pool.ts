import type { Readable } from 'node:stream';
import {
  optionMessage,
  validateInteger,
  validateOneOf,
  validateOptions,
} from '@par/async/internal';
import { MultiprocessingPool, type PoolOptions } from '@par/core';
import type { StdioOption } from './process.js';
import { ProcessTransport } from './process-transport.js';
import { installProcessTransferHandlers } from './transfer-handlers.js';

/**
 * Options of {@link ProcessPool} and `ProcessPoolExecutor`: the engine's pool
 * options (as for `ThreadPool`) plus what only processes have.
 */
export interface ProcessPoolOptions extends PoolOptions {
  /**
   * A child exits after exactly this many tasks and a fresh one takes its place
   * (Python's `maxtasksperchild`); a `map` chunk counts as one task.
   * Same as `maxTasksPerWorker`.
   * @default Infinity
   * @example new ProcessPool({ maxTasksPerChild: 100 })
   */
  maxTasksPerChild?: number;
  /**
   * The V8 heap limit of each child in MB (`--max-old-space-size`). A task that
   * needs more rejects with `WorkerCrashedError` and the child is replaced.
   * @default Node's default
   * @example new ProcessPool({ maxOldSpaceSize: 256 })
   */
  maxOldSpaceSize?: number;
  /**
   * The children's working directory.
   * @default process.cwd()
   * @example new ProcessPool({ cwd: new URL('./data/', import.meta.url) })
   */
  cwd?: string | URL;
  /**
   * The children's stdout and stderr: `'inherit'` writes to the parent's,
   * `'pipe'` merges them into `pool.stdout` / `pool.stderr` (read them, or the
   * children block once the pipes are full), `'ignore'` drops them.
   * @default 'inherit'
   * @example new ProcessPool({ stdio: 'pipe' })
   */
  stdio?: StdioOption;
}

const transportKeys = ['maxTasksPerChild', 'maxOldSpaceSize', 'cwd', 'stdio'];

function prepare(options: unknown): [ProcessTransport, PoolOptions] {
  // Python's Pool(4) / ProcessPoolExecutor(4): a number is the worker count
  const o =
    typeof options === 'number'
      ? { maxWorkers: options }
      : validateOptions<ProcessPoolOptions>('options', options);
  const { maxTasksPerChild, maxOldSpaceSize, cwd, stdio, ...engine } = o;
  if (maxTasksPerChild !== undefined) {
    validateInteger('maxTasksPerChild', maxTasksPerChild, { min: 1, allowInfinity: true });
    if (engine.maxTasksPerWorker !== undefined && engine.maxTasksPerWorker !== maxTasksPerChild) {
      throw new RangeError(
        optionMessage(
          'maxTasksPerChild',
          `the same as \`maxTasksPerWorker\` (${engine.maxTasksPerWorker}) when both are given`,
          maxTasksPerChild,
        ),
      );
    }
    engine.maxTasksPerWorker = maxTasksPerChild;
  }
  if (maxOldSpaceSize !== undefined)
    validateInteger('maxOldSpaceSize', maxOldSpaceSize, { min: 1 });
  if (
    cwd !== undefined &&
    typeof cwd !== 'string' &&
    !(cwd instanceof URL && cwd.protocol === 'file:')
  )
    throw new TypeError(optionMessage('cwd', 'a string or a file URL', cwd));
  if (stdio !== undefined) validateOneOf('stdio', stdio, ['inherit', 'pipe', 'ignore']);
  installProcessTransferHandlers();
  return [new ProcessTransport({ cwd, stdio, maxOldSpaceSize }), engine];
}

/**
 * A pool of child processes (Python's `multiprocessing.Pool`) on the same engine
 * as `ThreadPool`: `run`, `map`, `imap`, `imapUnordered`, `starmap`, `close`,
 * `terminate`, `stats`, plus Python's `apply` / `applyAsync` / `join`. Tasks are
 * references from `tasks(new URL(...))` or self-contained functions.
 *
 * Where Python's Pool hangs when a worker dies, a call running in a child that
 * crashes, is killed or runs out of memory rejects with `WorkerCrashedError`
 * (exit code and signal), and the pool carries on with a new child.
 *
 * @example
 * ```ts
 * const t = tasks<typeof import('./tasks.js')>(new URL('./tasks.js', import.meta.url));
 * const pool = new ProcessPool({ maxWorkers: 4 });
 * try {
 *   console.log(await pool.map(t.square, [1, 2, 3])); // [1, 4, 9]
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class ProcessPool extends MultiprocessingPool {
  readonly #transport: ProcessTransport;

  /**
   * @param options the pool's options, or just `maxWorkers` as a number (Python's `Pool(4)`)
   */
  constructor(options?: ProcessPoolOptions | number) {
    const [transport, engine] = prepare(options);
    super(transport, engine, transportKeys);
    this.#transport = transport;
  }

  /**
   * The children's merged stdout with `stdio: 'pipe'`, else `null`. It ends after
   * the pool was closed or terminated and every child's output was read.
   */
  get stdout(): Readable | null {
    return this.#transport.stdout;
  }

  /** The children's merged stderr with `stdio: 'pipe'`, else `null`. */
  get stderr(): Readable | null {
    return this.#transport.stderr;
  }

  protected override whenStopped(stopping: Promise<void>): Promise<void> {
    return stopping.finally(() => this.#transport.finish());
  }
}
