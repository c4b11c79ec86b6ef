import { type ChildProcess, fork, type Serializable } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  inheritedExecArgv,
  type Transport,
  type TransportCapabilities,
  type WorkerEvents,
  type WorkerHandle,
  type WorkerSpawnOptions,
} from '@par/core';
import { entryPath, type StdioOption } from './process.js';

/** What a child process can carry: copies only (v8 serialization), channels multiplexed over IPC. */
export const processCapabilities: TransportCapabilities = Object.freeze({
  kind: 'processes',
  sharedMemory: false,
  transfer: false,
  messagePorts: false,
});

/** Options the process transport takes itself (the engine never sees them). */
export interface ProcessTransportOptions {
  cwd?: string | URL | undefined;
  stdio?: StdioOption | undefined;
  /** MB, passed as `--max-old-space-size`. */
  maxOldSpaceSize?: number | undefined;
}

const heapFlag = /^--max-old-space-size(=|$)/;

function withHeapLimit(execArgv: string[], mb: number | undefined): string[] {
  if (mb === undefined) return execArgv;
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (heapFlag.test(arg)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    out.push(arg);
  }
  out.push(`--max-old-space-size=${mb}`);
  return out;
}

function unrefStream(stream: Readable | null): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}

function refStream(stream: Readable | null): void {
  (stream as { ref?: () => void } | null)?.ref?.();
}

/**
 * The engine's Transport over `child_process.fork` with advanced (v8)
 * serialization: one child per worker, running dist/process-entry.js in 'pool'
 * mode, which hands the IPC channel to @par/core's worker runtime.
 */
export class ProcessTransport implements Transport {
  readonly capabilities = processCapabilities;
  readonly #options: ProcessTransportOptions;
  /** Merged output of every child with `stdio: 'pipe'`. */
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough | null;

  constructor(options: ProcessTransportOptions = {}) {
    this.#options = { ...options };
    const piped = options.stdio === 'pipe';
    this.stdout = piped ? new PassThrough() : null;
    this.stderr = piped ? new PassThrough() : null;
  }

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    const cwd =
      this.#options.cwd instanceof URL ? fileURLToPath(this.#options.cwd) : this.#options.cwd;
    const execArgv = withHeapLimit(
      [...(options.execArgv ?? inheritedExecArgv())],
      this.#options.maxOldSpaceSize ?? options.resourceLimits?.maxOldGenerationSizeMb,
    );
    const stdio = this.#options.stdio ?? 'inherit';
    let child: ChildProcess;
    let exited = false;
    let exit: [number | null, string | null] | undefined;
    const reportExit = (): void => {
      if (exited || !exit) return;
      exited = true;
      events.onExit(exit[0], exit[1]);
    };
    try {
      child = fork(entryPath(), ['pool'], {
        cwd,
        env: (options.env as NodeJS.ProcessEnv | undefined) ?? process.env,
        execArgv,
        serialization: 'advanced',
        stdio: ['ignore', stdio, stdio, 'ipc'],
      });
    } catch (error) {
      queueMicrotask(() => {
        events.onError(error as Error);
        exit = [null, null];
        reportExit();
      });
      return { post() {}, terminate() {}, ref() {}, unref() {} };
    }
    if (this.stdout && child.stdout) child.stdout.pipe(this.stdout, { end: false });
    if (this.stderr && child.stderr) child.stderr.pipe(this.stderr, { end: false });
    child.on('message', (message) => {
      if (!exited) events.onMessage(message);
    });
    child.on('error', (error) => {
      if (exited) return;
      events.onError(error);
      if (child.pid === undefined) {
        // never spawned: no 'exit' will come
        exit = [null, null];
        reportExit();
      }
    });
    // 'exit' can come before the last IPC messages were read; onExit must follow
    // them, so wait for the channel to close as well.
    child.on('exit', (code, signal) => {
      exit = [code, signal];
      if (!child.connected) reportExit();
      else setTimeout(reportExit, 1000).unref(); // a grandchild holding the channel must not stall the pool
    });
    child.on('disconnect', reportExit);
    // The first message the child reads is its boot record; Node keeps messages
    // sent before the child listens, in order.
    child.send({ t: 'par:boot', boot: options.boot });
    const swallow = (): void => {};
    return {
      pid: child.pid,
      post(message) {
        // throws synchronously (sending nothing) for a value v8 cannot serialize
        if (child.connected) child.send(message as Serializable, undefined, {}, swallow);
      },
      terminate() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
      ref() {
        child.ref();
        child.channel?.ref();
        refStream(child.stdout);
        refStream(child.stderr);
      },
      unref() {
        child.unref();
        child.channel?.unref();
        unrefStream(child.stdout);
        unrefStream(child.stderr);
      },
    };
  }
}
