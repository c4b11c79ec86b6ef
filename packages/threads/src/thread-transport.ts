// worker_threads as a @par/core Transport. Each worker gets a private
// MessageChannel: the parent can drain it synchronously when the worker exits,
// so every result posted before a crash is delivered before the exit is handled.

import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  type TransferListItem,
  Worker,
} from 'node:worker_threads';
import {
  inheritedExecArgv,
  type ResourceLimits,
  type Transport,
  type TransportCapabilities,
  type WorkerEvents,
  type WorkerHandle,
  type WorkerSpawnOptions,
} from '@par/core';

/** The worker entry file, next to this module in dist/. */
const workerEntry = new URL('./worker.js', import.meta.url);

const capabilities: TransportCapabilities = Object.freeze({
  kind: 'threads',
  sharedMemory: true,
  transfer: true,
  messagePorts: true,
});

const INVALID_EXEC_ARGV = 'ERR_WORKER_INVALID_EXEC_ARGV';

/**
 * The inherited execArgv that worker threads accept, once known. Per-process and V8
 * flags (`--max-old-space-size`, `--expose-gc`, `--stack-size`, `--title`…) are
 * valid on the command line but `new Worker` rejects them; the first spawn learns
 * which ones from the error and drops them for good.
 */
let acceptedExecArgv: string[] | undefined;

/** `list` without the flags the error message names (and their separate values). */
function dropRejectedFlags(list: readonly string[], error: Error): string[] {
  const named = /flags: (.*)$/.exec(error.message)?.[1];
  if (named === undefined) return [...list];
  const rejected = new Set(named.split(', ').map((flag) => flag.trim()));
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] as string;
    if (!rejected.has(arg)) {
      out.push(arg);
      continue;
    }
    // `--flag value` written as two arguments: the value goes too
    const next = list[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return out;
}

/**
 * The parent's `--max-old-space-size` (which a worker thread cannot take as a flag),
 * as the `maxOldGenerationSizeMb` resource limit.
 */
function inheritedResourceLimits(): ResourceLimits | undefined {
  const argv = process.execArgv;
  let size: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--max-old-space-size=') || arg.startsWith('--max_old_space_size=')) {
      size = arg.slice(arg.indexOf('=') + 1);
    } else if (arg === '--max-old-space-size' || arg === '--max_old_space_size') {
      size = argv[i + 1];
    }
  }
  const mb = Number(size);
  return size !== undefined && Number.isFinite(mb) && mb > 0
    ? { maxOldGenerationSizeMb: mb }
    : undefined;
}

/** The error for an explicit `execArgv` option that worker threads refuse. */
function explainExecArgv(error: Error): Error {
  const named = /flags: (.*)$/.exec(error.message)?.[1] ?? 'some flags';
  const explained = new TypeError(
    `Worker threads do not accept these flags in the \`execArgv\` option: ${named} (per-process and V8 flags such as --max-old-space-size or --expose-gc only apply to the main thread; use \`resourceLimits\` for memory limits)`,
    { cause: error },
  );
  (explained as { code?: string }).code = INVALID_EXEC_ARGV;
  return explained;
}

class ThreadHandle implements WorkerHandle {
  readonly #worker: Worker | undefined;
  readonly #port: MessagePort;
  #exited = false;

  constructor(worker: Worker | undefined, port: MessagePort) {
    this.#worker = worker;
    this.#port = port;
  }

  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  post(message: unknown, transfer?: readonly Transferable[]): void {
    this.#port.postMessage(message, transfer as readonly TransferListItem[] | undefined);
  }

  terminate(): void {
    if (this.#exited) return;
    this.#worker?.terminate().catch(() => {});
  }

  ref(): void {
    this.#worker?.ref();
  }

  unref(): void {
    this.#worker?.unref();
  }

  markExited(): void {
    this.#exited = true;
  }
}

/** @internal Starts worker threads running the @par runtime. */
export class ThreadTransport implements Transport {
  readonly capabilities = capabilities;

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    const { port1, port2 } = new MessageChannel();
    const inherited = options.execArgv === undefined;
    let execArgv = inherited ? (acceptedExecArgv ?? inheritedExecArgv()) : [...options.execArgv];
    const resourceLimits =
      options.resourceLimits ?? (inherited ? inheritedResourceLimits() : undefined);
    let worker: Worker;
    for (;;) {
      try {
        worker = new Worker(workerEntry, {
          workerData: { boot: options.boot, port: port2 },
          transferList: [port2],
          execArgv,
          ...(options.env !== undefined ? { env: options.env as NodeJS.ProcessEnv } : {}),
          ...(resourceLimits !== undefined ? { resourceLimits } : {}),
        });
        if (inherited) acceptedExecArgv = execArgv;
        break;
      } catch (error) {
        const invalid = (error as { code?: string } | undefined)?.code === INVALID_EXEC_ARGV;
        if (invalid && inherited) {
          // Inherited flags that only the main thread takes: drop them and retry.
          const fewer = dropRejectedFlags(execArgv, error as Error);
          if (fewer.length < execArgv.length) {
            execArgv = fewer;
            continue;
          }
        }
        const reported = invalid && !inherited ? explainExecArgv(error as Error) : error;
        const handle = new ThreadHandle(undefined, port1);
        handle.markExited();
        port1.close();
        setImmediate(() => {
          events.onError(reported as Error);
          events.onExit(1, null);
        });
        return handle;
      }
    }
    const handle = new ThreadHandle(worker, port1);
    port1.on('message', events.onMessage);
    // The port never keeps the program alive; the worker's own ref does (busy workers).
    port1.unref();
    worker.on('error', (error) => events.onError(error));
    worker.on('exit', (code) => {
      handle.markExited();
      for (;;) {
        const left = receiveMessageOnPort(port1);
        if (left === undefined) break;
        events.onMessage(left.message);
      }
      port1.close();
      events.onExit(code, null);
    });
    return handle;
  }
}
