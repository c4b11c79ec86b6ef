import { Socket } from 'node:net';
import { Deque } from '@par/async/internal';
import type { WorkerPort } from '@par/core';
import { processCapabilities } from './entry.js';
import { FrameChannel } from './frame-channel.js';

/**
 * The child's end of the message socket (fd 3) as a WorkerPort for @par/core's
 * runtime. `onFirst` receives the boot record; later messages go to the runtime's
 * handler, and those that arrive before it is set wait here, in order.
 * `beforeUserCode` is the port's WorkerPort#beforeUserCode.
 */
export function createProcessPort(
  beforeUserCode: () => void,
  onFirst: (message: unknown) => void,
): WorkerPort & { flush(): Promise<void> } {
  let handler: ((message: unknown) => void) | undefined;
  let first = true;
  const early = new Deque<unknown>();
  const socket = new Socket({ fd: 3, readable: true, writable: true });
  // the parent closed its end: it is gone (or finished with this child)
  socket.on('end', () => process.exit(process.exitCode ?? 0));
  const channel = new FrameChannel(
    socket,
    (message) => {
      if (first) {
        first = false;
        onFirst(message);
      } else if (handler) handler(message);
      else early.push(message);
    },
    false,
  );
  return {
    capabilities: processCapabilities,
    beforeUserCode,
    post(message) {
      channel.send(message);
    },
    onMessage(next) {
      handler = next;
      while (early.length > 0) next(early.shift());
    },
    flush() {
      return channel.flush();
    },
  };
}
