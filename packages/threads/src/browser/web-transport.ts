// The pool's Transport over module Web Workers: what ThreadPool uses in a
// browser. Web Workers have no exit event, so the worker counts as gone when
// the engine terminates it or when an uncaught error reaches the page.
import type {
  Transport,
  TransportCapabilities,
  WorkerEvents,
  WorkerHandle,
  WorkerSpawnOptions,
} from '@par/core';

/** What a Web Worker can carry, in this page. */
export function webCapabilities(): TransportCapabilities {
  return {
    kind: 'web',
    // SharedArrayBuffer only exists in cross-origin-isolated pages (COOP + COEP)
    sharedMemory:
      typeof SharedArrayBuffer === 'function' &&
      (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false,
    transfer: true,
    messagePorts: true,
  };
}

/** The error event a Web Worker fires: what {@link WebWorkerTransport} reads of it. */
export interface WebWorkerErrorEvent {
  readonly error?: unknown;
  readonly message?: string;
  preventDefault(): void;
}

/**
 * What {@link WebWorkerTransport} needs of a Web Worker; a DOM `Worker` fits. Declared
 * here so that the package's types compile in a project without the DOM library.
 */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: unknown[]): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: WebWorkerErrorEvent) => void): void;
  addEventListener(type: 'messageerror', listener: () => void): void;
}

/**
 * Starts pool workers as module Web Workers made by `createWorker` (a function
 * so that bundlers see the literal `new Worker(new URL(...), { type: 'module' })`
 * and bundle the worker entry).
 *
 * @example
 * ```ts
 * const transport = new WebWorkerTransport(
 *   () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
 * );
 * ```
 */
export class WebWorkerTransport implements Transport {
  readonly capabilities: TransportCapabilities = webCapabilities();
  readonly #createWorker: () => WebWorkerLike;

  constructor(createWorker: () => WebWorkerLike) {
    this.#createWorker = createWorker;
  }

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    let worker: WebWorkerLike | undefined;
    let exited = false;
    const exit = (code: number | null): void => {
      if (exited) return;
      exited = true;
      worker?.terminate();
      // after anything already queued for delivery
      setTimeout(() => events.onExit(code, null), 0);
    };
    try {
      worker = this.#createWorker();
    } catch (error) {
      setTimeout(() => {
        events.onError(error instanceof Error ? error : new Error(String(error)));
        exit(1);
      }, 0);
      return { post() {}, terminate() {}, ref() {}, unref() {} };
    }
    const w = worker;
    w.addEventListener('message', (event) => {
      if (!exited) events.onMessage(event.data);
    });
    w.addEventListener('error', (event) => {
      event.preventDefault();
      if (exited) return;
      const error =
        event.error instanceof Error
          ? event.error
          : new Error(
              event.message ||
                "The Web Worker failed to load its script or threw an uncaught error (in Vite's dev server, add optimizeDeps: { exclude: ['@par/threads'] } so that the worker script is served next to @par/threads)",
            );
      events.onError(error);
      exit(1);
    });
    w.addEventListener('messageerror', () => {
      if (!exited) events.onError(new Error('A message from the worker could not be deserialized'));
    });
    // the entry waits for the boot message before it starts the runtime
    w.postMessage({ parBoot: options.boot }, []);
    return {
      post(message, transfer) {
        if (exited) return;
        w.postMessage(message, transfer ? [...transfer] : []);
      },
      terminate() {
        exit(null);
      },
      ref() {},
      unref() {},
    };
  }
}
