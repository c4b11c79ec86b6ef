// The module Web Worker that runs pool tasks in a browser: waits for its boot
// message, registers the @par/threads transfer handlers (shared primitives,
// queue handles), then hands the connection to the shared worker runtime.
import type { WorkerBoot, WorkerPort } from '@par/core';
import { startWorkerRuntime } from '@par/core/worker';
import { registerSharedHandlers } from '../shared/handlers.js';
import { webCapabilities } from './web-transport.js';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;

registerSharedHandlers();

// messages that arrive before the runtime sets its handler are kept, in order
const early: unknown[] = [];
let handler: ((message: unknown) => void) | undefined;

const onBoot = (event: MessageEvent): void => {
  const data = event.data as { parBoot?: WorkerBoot } | null;
  if (handler === undefined && data !== null && typeof data === 'object' && 'parBoot' in data) {
    const boot = data.parBoot as WorkerBoot;
    const port: WorkerPort = {
      capabilities: webCapabilities(),
      post(message, transfer) {
        scope.postMessage(message, transfer ? [...transfer] : []);
      },
      onMessage(next) {
        handler = next;
        for (const message of early.splice(0)) next(message);
      },
    };
    startWorkerRuntime(port, boot);
    return;
  }
  if (handler) handler(event.data);
  else early.push(event.data);
};

scope.addEventListener('message', onBoot);
