import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  inheritedExecArgv,
  type Transport,
  type WorkerEvents,
  type WorkerHandle,
  type WorkerSpawnOptions,
} from '@par/core';
import { serializeForChild } from './child-serializer.js';
import { entryPath, processCapabilities } from './entry.js';
import { FrameChannel } from './frame-channel.js';
import { childCommand } from './parent-death-signal.js';
import type { StdioOption } from './process.js';

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

/** What V8 prints to stderr before it aborts a process whose heap is full. */
const outOfMemoryText = 'JavaScript heap out of memory';
const heapFlagInText = /--max-old-space-size[= ]\d+/;

/** The heap limit a child runs with, as its flag (`--max-old-space-size=64`), if one is set. */
function heapLimitOf(execArgv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (!heapFlag.test(arg)) continue;
    return arg.includes('=') ? arg : `${arg}=${execArgv[i + 1] ?? ''}`;
  }
  return env.NODE_OPTIONS?.match(heapFlagInText)?.[0];
}

/**
 * Whether a child that V8 aborted (SIGABRT) ran out of memory: its stderr says so
 * when the pool reads it (`stdio: 'pipe'`); otherwise a SIGABRT under a configured
 * heap limit is taken for one (the commonest SIGABRT of a Node process by far).
 */
function outOfMemoryError(
  stderrTail: string | undefined,
  heapLimit: string | undefined,
): Error | undefined {
  const seen = stderrTail?.includes(outOfMemoryText);
  if (seen === false || (seen === undefined && heapLimit === undefined)) return undefined;
  const error = new Error(
    `The child process ran out of memory (${
      seen ? `its stderr: ${outOfMemoryText}` : 'V8 aborted it'
    }${heapLimit === undefined ? '' : `; heap limit ${heapLimit}`})`,
  );
  // the code worker_threads gives a worker that ran out of memory: the pool words both alike
  (error as NodeJS.ErrnoException).code = 'ERR_WORKER_OUT_OF_MEMORY';
  return error;
}

function unrefStream(stream: Readable | null): void {
  (stream as { unref?: () => void } | null)?.unref?.();
}

function refStream(stream: Readable | null): void {
  (stream as { ref?: () => void } | null)?.ref?.();
}

/**
 * The engine's Transport over child processes: one child per worker, running
 * dist/process-entry.cjs in 'pool' mode, which hands its message socket (fd 3,
 * v8-serialized frames) to @par/core's worker runtime.
 */
export class ProcessTransport implements Transport {
  readonly capabilities = processCapabilities;
  readonly #options: ProcessTransportOptions;
  /** Merged output of every child with `stdio: 'pipe'`. */
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough | null;

  /** Child output streams still open (with `stdio: 'pipe'`). */
  #openStreams = 0;
  #finishing = false;

  constructor(options: ProcessTransportOptions = {}) {
    this.#options = { ...options };
    const piped = options.stdio === 'pipe';
    this.stdout = piped ? new PassThrough() : null;
    this.stderr = piped ? new PassThrough() : null;
  }

  #merge(from: Readable | null, into: PassThrough | null): void {
    if (!from || !into) return;
    this.#openStreams++;
    from.pipe(into, { end: false });
    from.once('close', () => {
      this.#openStreams--;
      this.#maybeEnd();
    });
  }

  #maybeEnd(): void {
    if (!this.#finishing || this.#openStreams > 0) return;
    this.stdout?.end();
    this.stderr?.end();
  }

  /** The pool stopped: end the merged streams once every child's output was read. */
  finish(): void {
    this.#finishing = true;
    this.#maybeEnd();
  }

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    const cwd =
      this.#options.cwd instanceof URL ? fileURLToPath(this.#options.cwd) : this.#options.cwd;
    const execArgv = withHeapLimit(
      [...(options.execArgv ?? inheritedExecArgv())],
      this.#options.maxOldSpaceSize ?? options.resourceLimits?.maxOldGenerationSizeMb,
    );
    const stdio = this.#options.stdio ?? 'inherit';
    const env = (options.env as NodeJS.ProcessEnv | undefined) ?? process.env;
    let child: ChildProcess;
    let exited = false;
    let exit: [number | null, string | null] | undefined;
    let drained = false;
    /** The end of the child's stderr, when the pool reads it (`stdio: 'pipe'`). */
    let stderrTail: string | undefined;
    let stderrOpen = false;
    let fallback: NodeJS.Timeout | undefined;
    const reportExit = (force = false): void => {
      if (exited || !exit) return;
      const aborted = exit[1] === 'SIGABRT';
      // wait for the child's last messages, and for V8's last words about memory
      if (!force && (!drained || (aborted && stderrOpen))) return;
      exited = true;
      // reported in time: the fallback must not keep the program alive
      if (fallback !== undefined) clearTimeout(fallback);
      if (aborted) {
        const oom = outOfMemoryError(stderrTail, heapLimitOf(execArgv, env));
        if (oom !== undefined) events.onError(oom);
      }
      events.onExit(exit[0], exit[1]);
    };
    try {
      // spawn, not fork: no IPC channel. Every message travels on fd 3, the message
      // socket (see frame-channel.ts), whose end also tells an idle child that the
      // parent is gone (worker-port.ts). A child with an IPC channel loads
      // child_process and its serialization before it runs a line of ours, which
      // was a good part of its start-up.
      // on Linux, through setpriv: the kernel kills the child when this process dies
      const { command, args } = childCommand([...execArgv, entryPath(), 'pool']);
      child = spawn(command, args, {
        cwd,
        env,
        stdio: ['ignore', stdio, stdio, 'pipe'],
      });
    } catch (error) {
      queueMicrotask(() => {
        events.onError(error as Error);
        exit = [null, null];
        reportExit(true);
      });
      return { post() {}, terminate() {}, ref() {}, unref() {} };
    }
    const socket = child.stdio[3] as Socket;
    // shared memory sent to the child throws (it would be copied): see child-serializer.ts
    const channel = new FrameChannel(
      socket,
      (message) => {
        if (!exited) events.onMessage(message);
      },
      true,
      serializeForChild,
    );
    this.#merge(child.stdout, this.stdout);
    this.#merge(child.stderr, this.stderr);
    if (child.stderr) {
      stderrTail = '';
      stderrOpen = true;
      child.stderr.on('data', (chunk: Buffer) => {
        stderrTail = (stderrTail + String(chunk)).slice(-4096);
      });
      child.stderr.once('close', () => {
        stderrOpen = false;
        reportExit();
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (exited) return;
      // spawn reports a missing working directory as the executable's ENOENT
      events.onError(
        error.code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)
          ? new Error(`Cannot start a child process: its \`cwd\` ${cwd} does not exist`, {
              cause: error,
            })
          : error,
      );
      if (child.pid === undefined) {
        // never spawned: no 'exit' will come
        exit = [null, null];
        reportExit(true);
      }
    });
    // 'exit' can come before the last messages were read; onExit must follow them,
    // so wait for the socket to close as well (and for stderr after a SIGABRT).
    socket.once('close', () => {
      drained = true;
      reportExit();
    });
    child.on('exit', (code, signal) => {
      exit = [code, signal];
      reportExit();
      // a grandchild holding the socket (or stderr) must not stall the pool
      if (!exited) fallback = setTimeout(() => reportExit(true), 1000);
    });
    // the first frame the child reads is its boot record
    channel.send({ t: 'par:boot', boot: options.boot });
    const refAll = (): void => {
      child.ref();
      socket.ref();
      refStream(child.stdout);
      refStream(child.stderr);
    };
    return {
      pid: child.pid,
      post(message) {
        // throws synchronously (sending nothing) for a value v8 cannot serialize
        channel.send(message);
      },
      terminate() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // keep the parent alive until the exit is observed: close() waits for it
        refAll();
        child.kill('SIGKILL');
      },
      ref: refAll,
      unref() {
        child.unref();
        socket.unref();
        unrefStream(child.stdout);
        unrefStream(child.stderr);
      },
    };
  }
}
