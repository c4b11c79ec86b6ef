// Parallel's options: types, validation at construction, and resolution against
// parallelConfig, prefer/require and nesting (joblib's rules).

import { optionMessage, validateSignal, validateTimeout } from '@par/async/internal';
import type { BatchSizeDecision } from './auto-batch.js';
import { backendFactory, backendNames } from './backend.js';
import { currentConfig } from './config.js';
import { cpuCount } from './cpu-count.js';
import { nestingLevel } from './nesting.js';

/** What `onProgress` receives after each completed batch. */
export interface ProgressInfo {
  /** Calls finished. */
  done: number;
  /** All calls, once known (an array input, or when the input has been read to its end). */
  total: number | undefined;
  /** Milliseconds since the run started. */
  elapsed: number;
}

/** How results come back: an array, or an `AsyncIterable` in input or completion order. */
export type ReturnAs = 'array' | 'generator' | 'generator_unordered';

/** Options of `Parallel`. Options it does not know go to the backend (joblib's `**backend_kwargs`). */
export interface ParallelOptions {
  /**
   * Calls that run at once: a positive number, `-1` for all CPUs, `-2` all but one
   * (`cpuCount() + 1 + nJobs`, at least 1); `0` throws; a non-integer is floored.
   * `null`/`undefined`: the value set by `parallelConfig`, else 1. `1` runs a plain
   * loop in the calling thread.
   * @default 1
   * @example Parallel({ nJobs: -1 })
   */
  nJobs?: number | null;
  /**
   * `'threads'` (worker threads, Web Workers in browsers), `'processes'` (child
   * processes, Node only), `'async'` (the calling thread, up to `nJobs` async calls
   * at once, any function), `'sequential'`, or a name given to `registerBackend`.
   * @default 'threads'
   * @example Parallel({ nJobs: 4, backend: 'processes' })
   */
  backend?: string;
  /**
   * Soft hint used only when no backend is given (here or by `parallelConfig`).
   * @example Parallel({ nJobs: 2, prefer: 'processes' })
   */
  prefer?: 'threads' | 'processes';
  /**
   * `'sharedmem'` forces a backend whose calls share memory (`'threads'`), even
   * over a `parallelConfig` backend; `nJobs` then defaults to 1 unless given.
   * @example Parallel({ nJobs: 2, require: 'sharedmem' })
   */
  require?: 'sharedmem';
  /**
   * Calls per batch: a positive integer, or `'auto'` (joblib's adaptive size: grows
   * while batches take under 200 ms, shrinks above 2 s). No effect with `nJobs: 1`,
   * nor with a `timeout` (each call is then its own batch). Anything else, `null`
   * included, is a `RangeError`.
   * @default 'auto'
   * @example Parallel({ nJobs: 2, batchSize: 100 })
   */
  batchSize?: number | 'auto';
  /**
   * Bounds the calls read and dispatched but not yet consumed: `'all'`, a positive
   * integer, or an expression in `nJobs` such as `'2*nJobs'` or `'3 * nJobs'`.
   *
   * It counts calls at batch size 1 and batches beyond, as joblib does (its first
   * `pre_dispatch` calls go out one per batch, then each finished batch sends one
   * more): at most `preDispatch × batch size` calls are read and not yet consumed,
   * and never more than 8,192 (or `preDispatch` if larger). A batch is finished when
   * its results are consumed — in the generator modes when the consumer has taken
   * its last result — and with `batchSize: 'auto'` its duration is measured until
   * then, so the batch size, and with it the read-ahead, grows only while the
   * consumer keeps up: a stalled consumer stops it growing.
   * @default '2*nJobs'
   * @example Parallel({ nJobs: 2, preDispatch: '4*nJobs' })
   */
  preDispatch?: number | string;
  /**
   * `'array'`: a `Promise` of all results in input order. `'generator'` /
   * `'generator_unordered'`: an `AsyncIterable` (returned directly) yielding in
   * input / completion order; work starts at the first `next()`.
   * @default 'array'
   * @example Parallel({ nJobs: 2, returnAs: 'generator_unordered' })
   */
  returnAs?: ReturnAs;
  /**
   * Running-time limit in milliseconds per delayed call; rejects with `TimeoutError`.
   * It puts each call in its own batch (`batchSize`, `'auto'` or fixed, has no effect
   * then), so every backend applies the limit to each call, not to a batch.
   * Ignored (with one warning) by `nJobs: 1` and the sequential backend.
   * @default undefined (none)
   * @example Parallel({ nJobs: 2, timeout: 5_000 })
   */
  timeout?: number;
  /**
   * Cancels the whole run: rejects with `signal.reason` and cancels pending calls.
   * @example Parallel({ nJobs: 2, signal: AbortSignal.timeout(60_000) })
   */
  signal?: AbortSignal;
  /**
   * joblib's progress messages on stderr (stdout from 50); more above 10.
   * @default 0
   * @example Parallel({ nJobs: 2, verbose: 5 })
   */
  verbose?: number;
  /**
   * A progress bar with rate and ETA on stderr when it is a TTY (nothing otherwise).
   * @default false
   * @example Parallel({ nJobs: 2, progress: true })
   */
  progress?: boolean;
  /**
   * Called after each completed batch with `{ done, total, elapsed }`.
   * @example Parallel({ nJobs: 2, onProgress: ({ done, total }) => console.log(done, total) })
   */
  onProgress?: (progress: ProgressInfo) => void;
  /**
   * Called with each decision of `batchSize: 'auto'`.
   * @example Parallel({ nJobs: 2, onBatchSize: (d) => console.log(d.reason, d.batchSize) })
   */
  onBatchSize?: (decision: BatchSizeDecision) => void;
  /**
   * The clock (milliseconds) for elapsed times and auto-batching; for tests.
   * @default performance.now
   */
  clock?: () => number;
  /** Backend options (`initializer`, `initArgs`, `maxTasksPerWorker`, `idleTimeout`, …). */
  [backendOption: string]: unknown;
}

/** Options `parallelConfig` can set: everything but the per-call ones. */
export type ParallelConfigOptions = Omit<
  ParallelOptions,
  'signal' | 'returnAs' | 'onProgress' | 'onBatchSize'
>;

const KNOWN = new Set([
  'nJobs',
  'backend',
  'prefer',
  'require',
  'batchSize',
  'preDispatch',
  'returnAs',
  'timeout',
  'signal',
  'verbose',
  'progress',
  'onProgress',
  'onBatchSize',
  'clock',
]);

const SHARED_MEMORY_BACKENDS = new Set(['threads', 'async', 'sequential']);

/** Validates `nJobs` (not null): floors it; 0 (after flooring) is a RangeError. */
function checkNJobs(value: unknown, name = 'nJobs'): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(optionMessage(name, 'a non-zero integer, -1 for all CPUs, or null', value));
  }
  if (!Number.isFinite(value) || Math.floor(value) === 0) {
    throw new RangeError(
      optionMessage(name, 'a non-zero integer (-1 for all CPUs, -2 all but one)', value),
    );
  }
  return Math.floor(value);
}

function resolveNJobs(n: number): number {
  return n < 0 ? Math.max(cpuCount() + 1 + n, 1) : n;
}

/**
 * The number of calls `nJobs` runs at once: `-1` all CPUs, `-2` all but one, a
 * positive number as is (floored); `null` means the value set by
 * `parallelConfig`, else 1. `0` is a `RangeError`, a non-number a `TypeError`.
 *
 * @example
 * ```ts
 * effectiveNJobs();   // cpuCount()
 * effectiveNJobs(-2); // cpuCount() - 1 (at least 1)
 * ```
 */
export function effectiveNJobs(nJobs: number | null = -1): number {
  if (nJobs === null) {
    const configured = currentConfig().nJobs;
    return configured === undefined || configured === null
      ? 1
      : resolveNJobs(checkNJobs(configured));
  }
  return resolveNJobs(checkNJobs(nJobs));
}

/** joblib's pre_dispatch: 'all', a positive integer, or an arithmetic expression in nJobs. */
export function parsePreDispatch(value: unknown, nJobs: number): number {
  if (value === 'all') return Number.POSITIVE_INFINITY;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        optionMessage(
          'preDispatch',
          "'all', a positive integer or an expression such as '2*nJobs'",
          value,
        ),
      );
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      optionMessage(
        'preDispatch',
        "'all', a positive integer or an expression such as '2*nJobs'",
        value,
      ),
    );
  }
  const n = evaluate(value.replace(/\bn_?[jJ]obs\b/g, String(nJobs)));
  if (n === undefined || !Number.isFinite(n) || Math.floor(n) < 1) {
    throw new RangeError(
      optionMessage(
        'preDispatch',
        "'all', a positive integer or an expression in nJobs such as '2*nJobs'",
        value,
      ),
    );
  }
  return Math.floor(n);
}

/** Evaluates + - * / and parentheses over numbers; undefined for anything else. */
function evaluate(text: string): number | undefined {
  const tokens = text.match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): number | undefined => {
    let left = term();
    while (left !== undefined && (peek() === '+' || peek() === '-')) {
      const op = tokens[i++];
      const right = term();
      if (right === undefined) return undefined;
      left = op === '+' ? left + right : left - right;
    }
    return left;
  };
  const term = (): number | undefined => {
    let left = factor();
    while (left !== undefined && (peek() === '*' || peek() === '/')) {
      const op = tokens[i++];
      const right = factor();
      if (right === undefined) return undefined;
      left = op === '*' ? left * right : left / right;
    }
    return left;
  };
  const factor = (): number | undefined => {
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if (t === '(') {
      const v = expr();
      return tokens[i++] === ')' ? v : undefined;
    }
    if (t === '-') {
      const v = factor();
      return v === undefined ? undefined : -v;
    }
    return /^\d/.test(t) ? Number(t) : undefined;
  };
  const value = expr();
  return i === tokens.length ? value : undefined;
}

/** Everything a run needs, decided when `Parallel(opts)` is built. */
export interface ResolvedOptions {
  backendName: string;
  backendOptions: Record<string, unknown>;
  /** The nJobs shown in verbose lines (as given, or the resolved count). */
  label: string;
  nJobs: number;
  /** A plain loop in the calling thread (`nJobs: 1`, 'sequential', nested level ≥ 2). */
  sequential: boolean;
  batchSize: number | 'auto';
  preDispatch: number;
  preDispatchAll: boolean;
  returnAs: ReturnAs;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  verbose: number;
  progress: boolean;
  onProgress: ((progress: ProgressInfo) => void) | undefined;
  onBatchSize: ((decision: BatchSizeDecision) => void) | undefined;
  clock: () => number;
}

function pick(o: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const known: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (KNOWN.has(k)) known[k] = v;
    else rest[k] = v;
  }
  return [known, rest];
}

function checkBackendName(name: unknown, option: string): string {
  // any value that names no registered backend is out of range (RangeError), a
  // number or an object as much as an unknown string
  if (typeof name !== 'string' || backendFactory(name) === undefined) {
    const names = backendNames()
      .map((n) => `'${n}'`)
      .join(', ');
    throw new RangeError(
      optionMessage(option, `one of ${names} (or a name given to registerBackend)`, name),
    );
  }
  return name;
}

const defaultClock = () => performance.now();

/** Validates `options` and resolves them against parallelConfig, prefer/require and nesting. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (
    options !== undefined &&
    (typeof options !== 'object' || options === null || Array.isArray(options))
  ) {
    throw new TypeError(optionMessage('options', 'an options object', options));
  }
  const [explicit, explicitRest] = pick((options ?? {}) as Record<string, unknown>);
  const [config, configRest] = pick(currentConfig() as Record<string, unknown>);
  /** The option given to Parallel (`null` too), else the parallelConfig one, else `fallback`. */
  const given = (name: string, fallback: unknown): unknown => {
    const value = name in explicit ? explicit[name] : config[name];
    return value === undefined ? fallback : value;
  };

  const prefer = (explicit.prefer ?? config.prefer) as unknown;
  if (prefer !== undefined && prefer !== 'threads' && prefer !== 'processes') {
    const err = typeof prefer === 'string' ? RangeError : TypeError;
    throw new err(optionMessage('prefer', "'threads' or 'processes'", prefer));
  }
  const require = (explicit.require ?? config.require) as unknown;
  if (require !== undefined && require !== 'sharedmem') {
    const err = typeof require === 'string' ? RangeError : TypeError;
    throw new err(optionMessage('require', "'sharedmem'", require));
  }
  if (require === 'sharedmem' && prefer === 'processes') {
    throw new RangeError("`prefer: 'processes'` contradicts `require: 'sharedmem'`");
  }

  const explicitBackend =
    explicit.backend === undefined ? undefined : checkBackendName(explicit.backend, 'backend');
  const configBackend =
    config.backend === undefined
      ? undefined
      : checkBackendName(config.backend, 'parallelConfig backend');

  let backendName: string;
  let nJobsSource: unknown = explicit.nJobs ?? config.nJobs;
  let useConfigBackendOptions = configBackend === undefined;
  if (require === 'sharedmem') {
    if (explicitBackend !== undefined) {
      if (!SHARED_MEMORY_BACKENDS.has(explicitBackend)) {
        throw new RangeError(
          `The '${explicitBackend}' backend does not share memory, as \`require: 'sharedmem'\` asks`,
        );
      }
      backendName = explicitBackend;
    } else if (configBackend !== undefined && SHARED_MEMORY_BACKENDS.has(configBackend)) {
      backendName = configBackend;
      useConfigBackendOptions = true;
    } else {
      backendName = 'threads';
      // joblib: forcing threads over the configured backend drops its n_jobs
      if (configBackend !== undefined) nJobsSource = explicit.nJobs;
    }
  } else if (explicitBackend !== undefined) {
    backendName = explicitBackend;
    useConfigBackendOptions ||= configBackend === explicitBackend;
  } else if (configBackend !== undefined) {
    backendName = configBackend;
    useConfigBackendOptions = true;
  } else {
    backendName = prefer ?? 'threads';
  }

  let nJobs =
    nJobsSource === undefined || nJobsSource === null ? 1 : resolveNJobs(checkNJobs(nJobsSource));
  const label = String(
    nJobsSource === undefined || nJobsSource === null ? nJobs : Math.floor(nJobsSource as number),
  );

  // Nesting: inside a task of the threads/processes backends, threads at the first
  // level (capped so the machine is not oversubscribed), sequential below.
  const level = nestingLevel();
  if (level > 0 && (backendName === 'threads' || backendName === 'processes')) {
    if (level === 1) {
      backendName = 'threads';
    } else {
      backendName = 'sequential';
    }
  }
  const sequential =
    backendName === 'sequential' ||
    (nJobs === 1 && (backendName === 'threads' || backendName === 'processes'));
  if (sequential) {
    backendName = 'sequential';
    nJobs = 1;
  }

  if (
    backendName === 'processes' &&
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node !== 'string'
  ) {
    throw new RangeError(
      "The 'processes' backend needs Node.js (child processes); use 'threads' in browsers",
    );
  }

  const returnAs = ('returnAs' in explicit ? explicit.returnAs : 'array') as unknown;
  if (returnAs !== 'array' && returnAs !== 'generator' && returnAs !== 'generator_unordered') {
    throw new RangeError(
      optionMessage('returnAs', "'array', 'generator' or 'generator_unordered'", returnAs),
    );
  }

  // null is not 'auto': anything but 'auto' or a positive integer is a RangeError
  const batchSizeValue = given('batchSize', 'auto');
  if (
    batchSizeValue !== 'auto' &&
    !(typeof batchSizeValue === 'number' && Number.isInteger(batchSizeValue) && batchSizeValue >= 1)
  ) {
    throw new RangeError(
      optionMessage('batchSize', "'auto' or a positive integer", batchSizeValue),
    );
  }

  const preDispatchValue = given('preDispatch', '2*nJobs');
  const preDispatch = parsePreDispatch(preDispatchValue, nJobs);

  const timeout = validateTimeout('timeout', explicit.timeout ?? config.timeout);
  const signal = validateSignal('signal', explicit.signal);

  const verbose = (explicit.verbose ?? config.verbose ?? 0) as unknown;
  if (typeof verbose !== 'number' || Number.isNaN(verbose)) {
    throw new TypeError(optionMessage('verbose', 'a number', verbose));
  }
  const progress = (explicit.progress ?? config.progress ?? false) as unknown;
  if (typeof progress !== 'boolean') {
    throw new TypeError(optionMessage('progress', 'a boolean', progress));
  }
  for (const name of ['onProgress', 'onBatchSize', 'clock'] as const) {
    const value = name === 'clock' ? (explicit.clock ?? config.clock) : explicit[name];
    if (value !== undefined && typeof value !== 'function') {
      throw new TypeError(optionMessage(name, 'a function', value));
    }
  }

  const backendOptions = sequential
    ? {}
    : { ...(useConfigBackendOptions ? configRest : {}), ...explicitRest };

  return {
    backendName,
    backendOptions,
    label,
    nJobs,
    sequential,
    // a per-call timeout needs each call in its own batch (joblib's is per batch),
    // on every backend, whatever batchSize asks
    batchSize:
      sequential || (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY)
        ? 1
        : (batchSizeValue as number | 'auto'),
    preDispatch: sequential ? 1 : preDispatch,
    preDispatchAll: !sequential && preDispatch === Number.POSITIVE_INFINITY,
    returnAs,
    timeout: sequential ? undefined : timeout,
    signal,
    verbose,
    progress,
    onProgress: explicit.onProgress as ResolvedOptions['onProgress'],
    onBatchSize: explicit.onBatchSize as ResolvedOptions['onBatchSize'],
    clock: ((explicit.clock ?? config.clock) as (() => number) | undefined) ?? defaultClock,
  };
}

/** Whether `timeout` was given but will be ignored (plain loop). */
export function timeoutIgnored(options: unknown, resolved: ResolvedOptions): boolean {
  const o = (options ?? {}) as Record<string, unknown>;
  return resolved.sequential && (o.timeout !== undefined || currentConfig().timeout !== undefined);
}
