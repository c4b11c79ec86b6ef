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
    let worker: Worker;
    try {
      worker = new Worker(workerEntry, {
        workerData: { boot: options.boot, port: port2 },
        transferList: [port2],
        execArgv: [...(options.execArgv ?? inheritedExecArgv())],
        ...(options.env !== undefined ? { env: options.env as NodeJS.ProcessEnv } : {}),
        ...(options.resourceLimits !== undefined ? { resourceLimits: options.resourceLimits } : {}),
      });
    } catch (error) {
      const handle = new ThreadHandle(undefined, port1);
      handle.markExited();
      port1.close();
      setImmediate(() => {
        events.onError(error as Error);
        events.onExit(1, null);
      });
      return handle;
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
