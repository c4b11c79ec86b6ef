import type { Transport, WorkerHandle } from '@par/core';

/**
 * Wraps a transport so that its workers never keep the program alive, busy or
 * idle: the engine's `ref()` of a busy worker is ignored (a daemon `Thread`,
 * Python's `daemon=True`).
 */
export function daemonTransport(inner: Transport): Transport {
  return {
    capabilities: inner.capabilities,
    spawn(options, events): WorkerHandle {
      const handle = inner.spawn(options, events);
      handle.unref();
      return {
        get threadId() {
          return handle.threadId;
        },
        get pid() {
          return handle.pid;
        },
        post: (message, transfer) => handle.post(message, transfer),
        terminate: () => handle.terminate(),
        ref: () => handle.unref(),
        unref: () => handle.unref(),
      };
    },
  };
}
