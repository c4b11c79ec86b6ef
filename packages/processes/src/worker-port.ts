import { Deque } from '@par/async/internal';
import type { WorkerPort } from '@par/core';
import { processCapabilities } from './process-transport.js';

/**
 * The child's end of the IPC channel as a WorkerPort for @par/core's runtime.
 * Messages that arrive before the runtime set its handler wait here, in order.
 */
export function createProcessPort(): WorkerPort & {
  deliver(message: unknown): void;
  flush(): Promise<void>;
} {
  let handler: ((message: unknown) => void) | undefined;
  const early = new Deque<unknown>();
  let lastWrite: Promise<void> = Promise.resolve();
  return {
    capabilities: processCapabilities,
    post(message) {
      if (!process.send || !process.connected) return;
      lastWrite = new Promise((resolve) => {
        // the callback also swallows ERR_IPC_CHANNEL_CLOSED when the parent is gone
        process.send?.(message, undefined, {}, () => resolve());
      });
    },
    onMessage(next) {
      handler = next;
      while (early.length > 0) next(early.shift());
    },
    deliver(message) {
      if (handler) handler(message);
      else early.push(message);
    },
    close() {
      process.channel?.unref();
    },
    flush() {
      return lastWrite;
    },
  };
}
