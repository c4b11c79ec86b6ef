// The worker side of every pool, whatever the transport: receives batches of
// tasks, runs them in order (up to `concurrency` at once), and posts results back
// in batches. Written for the hot path: no per-task objects beyond the task
// context, results in one flat array per flush.

import { Deque } from '@par/async/internal';
import { ChannelHub } from '../channel-hub.js';
import { deserializeError, serializeError, type WireError } from '../error-codec.js';
import {
  NotCloneableError,
  TaskClosureError,
  TaskModuleError,
  UnknownTaskError,
} from '../errors.js';
import { ENVELOPE, type Envelope, Msg, Status, TaskFlag } from '../protocol.js';
import {
  abortTaskContext,
  createTaskContext,
  runInTaskContext,
  type TaskContext,
} from '../task-signal.js';
import { isTransfer, transfer } from '../transfer.js';
import {
  type DeserializeContext,
  findTransferHandler,
  getTransferHandler,
  type SerializeContext,
} from '../transfer-handlers.js';
import type { WireTask, WorkerBoot, WorkerPort } from '../transport.js';

// biome-ignore lint/suspicious/noExplicitAny: task functions take anything
type AnyFn = (...args: any[]) => unknown;

interface Entry {
  fn: AnyFn | undefined;
  name: string;
  module: string | undefined;
  error: unknown;
  loading: Promise<void> | undefined;
}

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

const tsHooksKey = Symbol.for('@par/core.typescriptHooks');

/**
 * A TypeScript task module in a worker that has no TypeScript loader (a test
 * runner's worker, an app not started with tsx): register tsx's hooks once, if
 * tsx can be resolved from the module, so the import works as it would under
 * `node --import tsx`. A worker entry that registered a loader itself sets the flag.
 */
function ensureTypeScriptHooks(url: string): void {
  if (!/\.(?:[mc]?ts|tsx)$/.test(new URL(url).pathname)) return;
  const scope = globalThis as { [tsHooksKey]?: boolean };
  if (scope[tsHooksKey]) return;
  scope[tsHooksKey] = true;
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (
    // a process started with a tsx loader (`--import tsx`, the tsx CLI) has its hooks
    proc?.execArgv.some((a, i, all) => {
      const m = /^--(?:import|loader|experimental-loader)(?:=(.*))?$/.exec(a);
      if (m === null) return false;
      const spec = m[1] ?? all[i + 1] ?? '';
      return spec === 'tsx' || spec.startsWith('tsx/') || /[\\/]tsx[\\/]/.test(spec);
    })
  ) {
    return;
  }
  const mod = proc?.getBuiltinModule?.('node:module') as typeof import('node:module') | undefined;
  try {
    mod?.register?.('tsx/esm', url);
  } catch {
    // tsx not installed (or refused): the import reports the unknown extension
  }
}

function importModule(url: string): Promise<Record<string, unknown>> {
  let loading = moduleCache.get(url);
  if (loading === undefined) {
    ensureTypeScriptHooks(url);
    loading = import(url) as Promise<Record<string, unknown>>;
    moduleCache.set(url, loading);
  }
  return loading;
}

function displayPath(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return url;
  }
}

function functionExports(mod: Record<string, unknown>): string[] {
  return Object.keys(mod)
    .filter((k) => typeof mod[k] === 'function')
    .sort();
}

async function loadExport(module: string, name: string): Promise<AnyFn> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(module);
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    const path = displayPath(module);
    const notFound =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') &&
      String((error as Error).message).includes(path.split('/').pop() ?? path);
    throw new TaskModuleError(
      notFound
        ? `Cannot find the task module ${path}${path === module ? '' : ` (${module})`}`
        : `The task module ${path} failed to load: ${(error as Error)?.message ?? String(error)}`,
      module,
      { cause: error },
    );
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const exports = functionExports(mod);
    const listed = exports.length > 0 ? exports.map((e) => `\`${e}\``).join(', ') : '(none)';
    throw new UnknownTaskError(
      `The module ${displayPath(module)} has no exported function \`${name}\`${
        fn === undefined ? '' : ` (it is ${typeof fn})`
      }. Its function exports: ${listed}`,
      exports,
    );
  }
  return fn as AnyFn;
}

function compile(source: string, name: string): AnyFn {
  const attempts = [`(${source}\n)`, `({ ${source}\n})[${JSON.stringify(name)}]`];
  let firstError: unknown;
  for (const code of attempts) {
    try {
      // Compiled in global scope, so the function sees globals and nothing else.
      const fn = new Function(`return ${code}`)() as unknown;
      if (typeof fn === 'function') return fn as AnyFn;
    } catch (error) {
      firstError ??= error;
    }
  }
  throw new TypeError(
    `The task function \`${name || '<anonymous>'}\` cannot be sent to a worker: its source does not compile on its own (native, bound and class-method functions cannot be sent). Export it from a module and pass tasks(new URL('./tasks.js', import.meta.url)).${name || 'fn'} instead.`,
    { cause: firstError },
  );
}

/** Turns "x is not defined" from an inline function into the closure error. */
function closureError(error: unknown, entry: Entry): unknown {
  if (entry.module !== undefined || !(error instanceof ReferenceError)) return error;
  const match = /^(\S+) is not defined$/.exec(error.message);
  const variable = match?.[1];
  if (variable === undefined || variable in globalThis) return error;
  const name = entry.name || 'name';
  return new TaskClosureError(
    `The function \`${entry.name || '<anonymous>'}\` sent to a worker uses \`${variable}\`, a variable from outside its own source; a self-contained function carries only its source text. Pass \`${variable}\` as an argument, or export the function from a module and pass a reference: tasks(new URL('./tasks.js', import.meta.url)).${name}`,
    variable,
    { cause: error },
  );
}

function invoke(fn: AnyFn, args: unknown[]): unknown {
  return fn.apply(undefined, args);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** Numbers-only results go back as a transferred Float64Array (no per-item cloning). */
function packResults(out: unknown[]): unknown {
  const n = out.length;
  for (let i = 0; i < n; i++) if (typeof out[i] !== 'number') return out;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = out[i] as number;
  return transfer(packed, [packed.buffer]);
}

function runChunk(fn: AnyFn, items: ArrayLike<unknown>, star: boolean): unknown {
  const n = items.length;
  const out = new Array<unknown>(n);
  let async = false;
  let numbers = true;
  if (star) {
    for (let i = 0; i < n; i++) {
      const r = fn.apply(undefined, items[i] as unknown[]);
      if (typeof r !== 'number') {
        numbers = false;
        if (!async && isThenable(r)) async = true;
      }
      out[i] = r;
    }
  } else {
    // Optimistic: write numbers straight into a Float64Array; the first
    // non-number result switches to a plain array.
    const packed = n >= PACK_MIN ? new Float64Array(n) : undefined;
    let i = 0;
    if (packed !== undefined) {
      for (; i < n; i++) {
        const r = fn(items[i]);
        if (typeof r !== 'number') {
          for (let j = 0; j < i; j++) out[j] = packed[j];
          out[i] = r;
          numbers = false;
          if (isThenable(r)) async = true;
          i++;
          break;
        }
        packed[i] = r;
      }
      if (numbers) return transfer(packed, [packed.buffer]);
    }
    for (; i < n; i++) {
      const r = fn(items[i]);
      if (typeof r !== 'number') {
        numbers = false;
        if (!async && isThenable(r)) async = true;
      }
      out[i] = r;
    }
  }
  if (async) return Promise.all(out).then(packResults);
  return numbers && n >= PACK_MIN ? packResults(out) : out;
}

const PACK_MIN = 16;
/** How long an idle worker polls for the next message (ms). */
const SPIN_MS = 0.05;
/** The most time the poll loop keeps the event loop from turning (ms). */
const TURN_MS = 2;

let loadCheckedAt = -Infinity;
let coresSpare = false;
/** Whether the machine has idle cores (1-minute load average below the core count). */
function spareCores(): boolean {
  const t = performance.now();
  if (t - loadCheckedAt < 1000) return coresSpare;
  loadCheckedAt = t;
  const os = (globalThis as { process?: NodeJS.Process }).process?.getBuiltinModule?.('node:os') as
    | typeof import('node:os')
    | undefined;
  coresSpare =
    os !== undefined && (os.loadavg()[0] ?? Number.POSITIVE_INFINITY) < os.availableParallelism();
  return coresSpare;
}

/** A long synchronous batch sends its finished results this often (ms). */
const FLUSH_EVERY_MS = 5;
/**
 * After running this long without reading its port (or at once when the pool's
 * shared ABORT count changed), a worker reads what arrived before it starts its next
 * call: an ABORT for a call waiting behind a running task is then seen in time and
 * that call never starts.
 */
const LOOK_MS = 1;
const yieldToLoop: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ??
  ((fn) => setTimeout(fn, 0));

/**
 * Runs the worker side of a pool over `port`: loads task modules, compiles
 * self-contained functions, runs tasks and reports results. Called once by a
 * transport's worker entry file.
 *
 * @example
 * ```ts
 * // worker entry of a transport
 * import { startWorkerRuntime } from '@par/core/worker';
 * startWorkerRuntime(port, boot);
 * ```
 */
export function startWorkerRuntime(port: WorkerPort, boot: WorkerBoot): void {
  const concurrency = Math.max(1, boot.concurrency | 0);
  const entries = new Map<number, Entry>();
  // flat: id, key, flags, args
  const queue = new Deque<unknown>(64);
  const dropped = new Set<number>();
  const active = new Map<number, TaskContext>();
  let running = 0;
  let ready = false;
  let stalled = false;
  let currentId = -1;
  let outbox: unknown[] = [Msg.Results];
  let outTransfer: Transferable[] | undefined;
  /** The task of each result in the outbox, to name it if its result does not clone. */
  let outEntries: (Entry | undefined)[] = [];
  /** When the outbox was last sent. */
  let outboxSince = performance.now();
  let flushScheduled = false;
  let closing = false;
  let spare: TaskContext | undefined;
  /** When the worker last read its port, and when its last synchronous call ended. */
  let lastLook = performance.now();
  let clock = lastLook;
  /** Reading the port from inside drain(), or waiting for the event loop to do so. */
  let looking = false;
  let yielded = false;
  /**
   * Without shared memory: the event loop has not turned since a long synchronous
   * call, so the messages being handled are a backlog and an ABORT may sit behind a RUN.
   */
  let backlog = false;
  const clearBacklog = (): void => {
    backlog = false;
  };
  const pollPort = port.poll?.bind(port);
  /** The pool's count of ABORTs posted (shared memory), and how many were read. */
  const aborts = boot.aborts;
  let abortsSeen = 0;
  const hub = new ChannelHub((message, transfer) => port.post(message, transfer));
  /** Callbacks to run once the results in the outbox are posted (onTaskEnd, onCallSettled). */
  let afterFlush: (() => void)[] | undefined;
  /** Where onTaskEnd callbacks go while a task's arguments are decoded. */
  let decodingEnds: (() => void)[] | undefined;
  const serializeContext: SerializeContext = {
    capabilities: port.capabilities,
    openChannel: () => hub.open(),
    // a result is settled for the worker once it is posted
    onCallSettled: (callback) => {
      afterFlush ??= [];
      afterFlush.push(callback);
    },
  };
  const deserializeContext: DeserializeContext = {
    capabilities: port.capabilities,
    channel: (id: number) => hub.get(id),
    onTaskEnd: (callback) => {
      if (decodingEnds === undefined) {
        throw new Error('onTaskEnd() can only be called inside deserialize()');
      }
      decodingEnds.push(callback);
    },
  };

  function runAfterFlush(): void {
    const callbacks = afterFlush;
    if (callbacks === undefined) return;
    afterFlush = undefined;
    for (const cb of callbacks) {
      try {
        cb();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  function endsAfterFlush(ends: (() => void)[] | undefined): void {
    if (ends === undefined || ends.length === 0) return;
    afterFlush ??= [];
    for (const cb of ends) afterFlush.push(cb);
  }

  function entryFor(key: number): Entry {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        fn: undefined,
        name: '',
        module: undefined,
        error: new Error(`Unknown task key ${key}`),
        loading: undefined,
      };
      entries.set(key, entry);
    }
    return entry;
  }

  function define(key: number, module: unknown, name: unknown, source: unknown): void {
    const entry: Entry = {
      fn: undefined,
      name: String(name),
      module: typeof module === 'string' ? module : undefined,
      error: undefined,
      loading: undefined,
    };
    entries.set(key, entry);
    if (typeof source === 'string') {
      try {
        entry.fn = compile(source, entry.name);
      } catch (error) {
        entry.error = error;
      }
    } else if (entry.module !== undefined) {
      entry.loading = loadExport(entry.module, entry.name).then(
        (fn) => {
          entry.fn = fn;
          entry.loading = undefined;
        },
        (error: unknown) => {
          entry.error = error;
          entry.loading = undefined;
        },
      );
    }
  }

  function decodeOne(value: unknown): unknown {
    const a = value as Envelope | null;
    if (typeof a !== 'object' || a === null || typeof a[ENVELOPE] !== 'string') return value;
    const handler = getTransferHandler(a[ENVELOPE]);
    if (handler === undefined) {
      throw new TypeError(
        `No transfer handler named '${a[ENVELOPE]}' is registered in the worker: register it in a module that the task module imports`,
      );
    }
    return handler.deserialize(a.data, deserializeContext);
  }

  /** Decodes envelopes in place; returns the task's onTaskEnd callbacks. */
  function decodeArgs(args: unknown[], flags: number): (() => void)[] {
    const ends: (() => void)[] = [];
    decodingEnds = ends;
    try {
      if (flags & TaskFlag.Chunk) {
        const items = args[0] as unknown[];
        const star = (flags & TaskFlag.Star) !== 0;
        for (let i = 0; i < items.length; i++) {
          if (star) {
            const row = items[i] as unknown[];
            for (let j = 0; j < row.length; j++) row[j] = decodeOne(row[j]);
          } else items[i] = decodeOne(items[i]);
        }
      } else {
        for (let i = 0; i < args.length; i++) args[i] = decodeOne(args[i]);
      }
    } finally {
      decodingEnds = undefined;
    }
    return ends;
  }

  function pushResult(id: number, status: number, value: unknown, ms: number, entry?: Entry): void {
    outbox.push(id, status, value, ms);
    outEntries.push(entry);
  }

  function pushValue(id: number, value: unknown, ms: number, entry: Entry): void {
    let v = value;
    if (v !== null && typeof v === 'object') {
      if (isTransfer(v)) {
        outTransfer ??= [];
        for (const t of v.transferList) outTransfer.push(t);
        v = v.value;
      }
      const handler = findTransferHandler(v);
      if (handler !== undefined) {
        let data: unknown;
        let transfer: Transferable[];
        try {
          [data, transfer] = handler.serialize(v, serializeContext);
        } catch (error) {
          pushError(id, error, ms, entry);
          return;
        }
        if (transfer.length > 0) {
          outTransfer ??= [];
          for (const t of transfer) outTransfer.push(t);
        }
        pushResult(id, Status.OkEncoded, { [ENVELOPE]: handler.name, data }, ms, entry);
        return;
      }
    }
    pushResult(id, Status.Ok, v, ms, entry);
  }

  function pushError(id: number, error: unknown, ms: number, entry?: Entry): void {
    pushResult(id, Status.Error, serializeError(error), ms, entry);
  }

  function flush(): void {
    outboxSince = performance.now();
    if (outbox.length === 1) return;
    const message = outbox;
    const transfer = outTransfer;
    const entries = outEntries;
    outbox = [Msg.Results];
    outTransfer = undefined;
    outEntries = [];
    try {
      port.post(message, transfer);
      runAfterFlush();
      return;
    } catch {
      // Some result does not clone: send them one by one, replacing the culprits.
      for (let i = 1; i < message.length; i += 4) {
        const one = [Msg.Results, message[i], message[i + 1], message[i + 2], message[i + 3]];
        try {
          port.post(one, transfer);
        } catch (error) {
          const entry = entries[(i - 1) / 4];
          const name = entry === undefined ? 'the task' : `task \`${entry.name || '<anonymous>'}\``;
          one[2] = Status.Error;
          one[3] = serializeError(
            new NotCloneableError(
              `The result of ${name} could not be sent back to the caller: ${(error as Error)?.message ?? String(error)}`,
            ),
          );
          port.post(one);
        }
      }
      runAfterFlush();
    }
  }

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    queueMicrotask(() => {
      flushScheduled = false;
      drain();
      flush();
    });
  }

  function settleAsync(
    id: number,
    entry: Entry,
    promise: PromiseLike<unknown>,
    t0: number,
    ends: (() => void)[] | undefined,
  ): void {
    running++;
    promise.then(
      (value) => {
        running--;
        active.delete(id);
        pushValue(id, value, performance.now() - t0, entry);
        endsAfterFlush(ends);
        scheduleFlush();
      },
      (error: unknown) => {
        running--;
        active.delete(id);
        pushError(id, closureError(error, entry), performance.now() - t0, entry);
        endsAfterFlush(ends);
        scheduleFlush();
      },
    );
  }

  function runOne(id: number, entry: Entry, flags: number, args: unknown[]): void {
    const context = spare ?? createTaskContext();
    spare = undefined;
    const t0 = performance.now();
    currentId = id;
    let result: unknown;
    let ends: (() => void)[] | undefined;
    try {
      const fn = entry.fn as AnyFn;
      if (flags & TaskFlag.Encoded) ends = decodeArgs(args, flags);
      result =
        flags & TaskFlag.Chunk
          ? runInTaskContext(
              context,
              runChunk,
              fn,
              args[0] as unknown[],
              (flags & TaskFlag.Star) !== 0,
            )
          : runInTaskContext(context, invoke, fn, args);
    } catch (error) {
      currentId = -1;
      clock = performance.now();
      if (clock - t0 > LOOK_MS) afterLongRun();
      pushError(id, closureError(error, entry), clock - t0, entry);
      endsAfterFlush(ends);
      return;
    }
    currentId = -1;
    if (isThenable(result)) {
      active.set(id, context);
      settleAsync(id, entry, result, t0, ends);
      return;
    }
    if (context.controller === undefined && !context.aborted) spare = context;
    const t1 = performance.now();
    clock = t1;
    if (t1 - t0 > LOOK_MS) afterLongRun();
    pushValue(id, result, t1 - t0, entry);
    endsAfterFlush(ends);
    // In a long batch, send what is done every few ms: callers get results sooner,
    // and a worker that dies mid-batch (out of memory) has reported the rest.
    if (t1 - outboxSince > FLUSH_EVERY_MS) flush();
  }

  /**
   * Reads the messages that arrived while the worker ran (ABORTs for calls still
   * in `queue` mark them dropped). Returns false when the event loop must deliver
   * them first (no poll): drain() resumes right after.
   */
  function afterLongRun(): void {
    if (aborts !== undefined || backlog) return;
    backlog = true;
    // two hops: the second runs after the loop's next poll phase read what arrived
    yieldToLoop(() => yieldToLoop(clearBacklog));
  }

  function look(): boolean {
    if (aborts !== undefined) abortsSeen = Atomics.load(aborts, 0);
    if (pollPort !== undefined) {
      looking = true;
      try {
        for (;;) {
          const message = pollPort();
          if (message === undefined) break;
          onMessage(message);
        }
      } finally {
        looking = false;
      }
      lastLook = clock = performance.now();
      return true;
    }
    yielded = true;
    const resume = (): void => {
      if (backlog) {
        yieldToLoop(resume);
        return;
      }
      yielded = false;
      lastLook = clock = performance.now();
      drain();
      flush();
    };
    yieldToLoop(resume);
    return false;
  }

  function drain(): void {
    if (!ready || stalled || looking || yielded) return;
    while (queue.length > 0 && running < concurrency) {
      if (
        (clock - lastLook > LOOK_MS ||
          backlog ||
          (aborts !== undefined && Atomics.load(aborts, 0) !== abortsSeen)) &&
        !look()
      ) {
        return;
      }
      const id = queue.shift() as number;
      const key = queue.shift() as number;
      const flags = queue.shift() as number;
      const args = queue.shift() as unknown[];
      if (dropped.size > 0 && dropped.delete(id)) {
        pushResult(id, Status.Dropped, undefined, 0);
        continue;
      }
      const entry = entryFor(key);
      if (entry.fn === undefined) {
        if (entry.loading !== undefined) {
          queue.unshift(args);
          queue.unshift(flags);
          queue.unshift(key);
          queue.unshift(id);
          stalled = true;
          flush();
          entry.loading.then(() => {
            stalled = false;
            drain();
            flush();
          });
          return;
        }
        pushError(id, entry.error, 0, entry);
        continue;
      }
      if (flags & TaskFlag.Timed) flush();
      runOne(id, entry, flags, args);
    }
    if (queue.length === 0 && dropped.size > 0 && running === 0) dropped.clear();
    if (closing && queue.length === 0 && running === 0) {
      flush();
      port.close();
    }
  }

  function onRun(message: unknown[]): void {
    const defs = message[1] as unknown[] | 0;
    if (defs !== 0) {
      for (let i = 0; i < defs.length; i += 4)
        define(defs[i] as number, defs[i + 1], defs[i + 2], defs[i + 3]);
    }
    for (let i = 2; i < message.length; i += 4) {
      queue.push(message[i]);
      queue.push(message[i + 1]);
      queue.push(message[i + 2]);
      queue.push(message[i + 3]);
    }
    drain();
    flush();
  }

  function onAbort(id: number, reason: WireError): void {
    const context = active.get(id);
    const error = deserializeError(reason);
    if (context !== undefined) {
      abortTaskContext(context, error);
      return;
    }
    dropped.add(id);
  }

  function onMessage(raw: unknown): void {
    const message = raw as unknown[];
    if (!looking) lastLook = clock = performance.now();
    switch (message[0]) {
      case Msg.Run:
        onRun(message);
        break;
      case Msg.Abort:
        onAbort(message[1] as number, message[2] as WireError);
        break;
      case Msg.Channel:
        hub.receive(message[1] as number, message[2] as number, message[3]);
        break;
      case Msg.Close:
        closing = true;
        drain();
        break;
    }
  }

  // Spin-poll fast path (transports with poll()): after answering, an idle worker
  // keeps polling for the next message for SPIN_MS instead of going to sleep, so
  // request/response traffic skips a thread wake-up (~60 µs on an idle machine).
  // Only while nothing async is outstanding, at most TURN_MS per event-loop turn
  // (timers keep running), only while the machine has spare cores, and it backs
  // off when polling keeps missing.
  const poll = port.poll?.bind(port);
  let misses = 0;
  let skip = 0;
  function spin(): void {
    if (poll === undefined || !spareCores()) return;
    if (skip > 0) {
      skip--;
      return;
    }
    const start = performance.now();
    let until = start + SPIN_MS;
    while (ready && !stalled && !closing && running === 0 && queue.length === 0) {
      const message = poll();
      if (message !== undefined) {
        misses = 0;
        onMessage(message);
        const t = performance.now();
        if (t - start > TURN_MS) return;
        until = t + SPIN_MS;
        continue;
      }
      if (performance.now() > until) {
        if (++misses >= 8) {
          misses = 0;
          skip = 64;
        }
        return;
      }
    }
  }

  port.onMessage(
    poll === undefined
      ? onMessage
      : (message) => {
          onMessage(message);
          spin();
        },
  );

  installFatalHandlers();

  function startedIds(): number[] {
    const ids = [...active.keys()];
    if (currentId >= 0) ids.push(currentId);
    return ids;
  }

  function installFatalHandlers(): void {
    const proc = (globalThis as { process?: NodeJS.Process }).process;
    if (proc === undefined || typeof proc.on !== 'function') return;
    const realExit = proc.exit.bind(proc);
    let dying = false;
    const die = (error: unknown, code: number) => {
      if (dying) return realExit(code);
      dying = true;
      try {
        flush();
        port.post([
          Msg.Fatal,
          error === undefined ? undefined : serializeError(error),
          startedIds(),
          code,
        ]);
      } catch {
        // nothing more we can do: the parent falls back to what it knows
      }
      return realExit(code);
    };
    proc.exit = ((code?: number | string | null) => {
      const n =
        code === undefined || code === null
          ? typeof proc.exitCode === 'number'
            ? proc.exitCode
            : 0
          : Number(code);
      return die(undefined, Number.isFinite(n) ? n : 1);
    }) as typeof proc.exit;
    proc.on('uncaughtException', (error) => die(error, 1));
    proc.on('unhandledRejection', (reason) => die(reason, 1));
  }

  const start = async () => {
    if (boot.initializer !== undefined) {
      const fn = await resolveWireTask(boot.initializer);
      await runInTaskContext(createTaskContext(), invoke, fn, [...(boot.initArgs ?? [])]);
    }
  };
  start().then(
    () => {
      ready = true;
      port.post([Msg.Ready]);
      drain();
      flush();
    },
    (error: unknown) => {
      port.post([Msg.StartFailed, serializeError(error)]);
    },
  );
}

/**
 * Loads a task in this thread the way the worker runtime does: imports the module
 * (registering tsx for a `.ts` module when needed) and checks the export, or
 * compiles a self-contained function. Rejects with `UnknownTaskError`,
 * `TaskModuleError` or a `TypeError` for an uncompilable function.
 *
 * @example
 * ```ts
 * const fn = await resolveWireTask({ module: 'file:///app/tasks.js', name: 'square' });
 * ```
 */
export async function resolveWireTask(task: WireTask): Promise<AnyFn> {
  if (task.source !== undefined) return compile(task.source, task.name);
  return loadExport(task.module, task.name);
}
