// The worker entry of @par/threads (dist/worker.js): hands the private port to
// the @par/core runtime, after registering this package's transfer handlers so
// shared primitives and queues arrive as working objects.

import { type MessagePort, type TransferListItem, workerData } from 'node:worker_threads';
import { startWorkerRuntime } from '@par/core/worker';
import { registerSharedHandlers } from './shared/handlers.js';

registerSharedHandlers();

const { boot, port } = workerData as {
  boot: Parameters<typeof startWorkerRuntime>[1];
  port: MessagePort;
};

startWorkerRuntime(
  {
    capabilities: { kind: 'threads', sharedMemory: true, transfer: true, messagePorts: true },
    post: (message, transfer) =>
      port.postMessage(message, transfer as readonly TransferListItem[] | undefined),
    onMessage: (handler) => port.on('message', handler),
    close: () => port.close(),
  },
  boot,
);
