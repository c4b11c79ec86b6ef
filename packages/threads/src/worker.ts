// The worker entry of @par/threads (dist/worker.js): hands the private port to
// the @par/core runtime, after registering this package's transfer handlers so
// shared primitives and queues arrive as working objects.

import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  type MessagePort,
  receiveMessageOnPort,
  type TransferListItem,
  workerData,
} from 'node:worker_threads';
import { startWorkerRuntime } from '@par/core/worker';
import { registerSharedHandlers } from './shared/handlers.js';

registerSharedHandlers();
registerInheritedLoaders();

/**
 * Node 20 runs `--import` preloads in workers, but tsx only registers its hooks
 * on the main thread (newer Node versions share the main thread's hooks with
 * workers). So that a TypeScript task module loads when the app runs under
 * `node --import tsx`, register tsx's ESM hooks in this worker ourselves.
 */
function registerInheritedLoaders(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return;
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const spec =
      arg === '--import' ? argv[i + 1] : arg.startsWith('--import=') ? arg.slice(9) : undefined;
    if (spec === undefined) continue;
    // `--import tsx`, or the tsx CLI's `--import file:///…/tsx/dist/loader.mjs`
    // (that file is tsx's hooks module itself, so it can be registered as is)
    const target =
      spec === 'tsx' || spec.startsWith('tsx/')
        ? 'tsx/esm'
        : /[\\/]tsx[\\/]dist[\\/]loader\.mjs$/.test(spec)
          ? spec
          : undefined;
    if (target === undefined) continue;
    try {
      register(target, pathToFileURL(`${process.cwd()}/`));
      (globalThis as Record<symbol, unknown>)[Symbol.for('@par/core.typescriptHooks')] = true;
    } catch {
      // not resolvable from the working directory: the runtime tries again from the
      // task module's own folder when it imports a .ts module
    }
    return;
  }
}

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
    poll: () => receiveMessageOnPort(port)?.message,
  },
  boot,
);
