import { readSync } from 'node:fs';
import { Deque } from '@par/async/internal';
import type { WorkerPort } from '@par/core';
import { Msg, now } from '@par/core/worker';
import { processCapabilities } from './entry.js';
import { FrameChannel } from './frame-channel.js';

/**
 * The child's end of the message socket (fd 3) as a WorkerPort for @par/core's
 * runtime. `onFirst` receives the boot record; later messages go to the runtime's
 * handler, and those that arrive before it is set wait here, in order.
 * `beforeUserCode` is the port's WorkerPort#beforeUserCode. `onFirstResults` runs
 * once, right after the first results were written.
 *
 * The child answers its first call before it opens the socket: the parent wrote the
 * boot record and the first calls before this child started, so they are read from the
 * descriptor (still blocking) at once, and the results are written to it. node:net and
 * the socket (a few milliseconds) come once the runtime first reads its port for more
 * (poll(): after the first results went out, or before a call an ABORT may have
 * reached), or when the event loop first turns (an async call, an initializer), or
 * when a read finds the descriptor non-blocking.
 */
export function createProcessPort(
  beforeUserCode: () => void,
  onFirst: (message: unknown) => void,
  onFirstResults?: () => void,
): WorkerPort & { flush(): Promise<void> } {
  /** Called once, and then cleared, when the first results were written. */
  let onResults = onFirstResults;
  let handler: ((message: unknown) => void) | undefined;
  let first = true;
  /** Messages waiting for the handler: before it was set, or read by a poll and not taken yet. */
  const early = new Deque<unknown>();
  /** A poll is reading: complete messages wait in `early` for poll() to return them. */
  let polling = false;
  let deliverScheduled = false;
  const deliverEarly = (): void => {
    deliverScheduled = false;
    while (handler !== undefined && !polling && early.length > 0) handler(early.shift());
  };
  const channel = FrameChannel.onDescriptor(FD, (message) => {
    if (first) {
      first = false;
      onFirst(message);
      return;
    }
    if (handler === undefined || polling) {
      early.push(message);
      return;
    }
    // what a poll read and nobody took goes first: messages keep their order
    if (early.length > 0) deliverEarly();
    handler(message);
  });
  const attach = (): void => {
    if (channel.attached) return;
    const { Socket } = process.getBuiltinModule('node:net') as typeof import('node:net');
    const socket = new Socket({ fd: FD, readable: true, writable: true });
    // the parent closed its end: it is gone (or finished with this child)
    socket.on('end', () => process.exit(process.exitCode ?? 0));
    channel.attach(socket);
  };
  // Once the port is returned (the boot record's handler uses it): what the parent
  // sent so far, read from the blocking descriptor until the boot record is complete;
  // the socket when the event loop first turns, unless a poll opened it before.
  queueMicrotask(() => {
    if (readFirst(channel, () => first)) setImmediate(attach);
    else attach();
  });
  let pollBuffer: Buffer | undefined;
  /** The read of this poll took all the socket held. */
  let emptied = false;
  /** When the last message of a read that emptied the socket was handed over, or -1 (see poll()). */
  let drainedAt = -1;
  return {
    capabilities: processCapabilities,
    beforeUserCode,
    post(message) {
      channel.send(message);
      if (onResults !== undefined && (message as unknown[])[0] === Msg.Results) {
        const call = onResults;
        onResults = undefined;
        call();
      }
    },
    onMessage(next) {
      handler = next;
      deliverEarly();
    },
    flush() {
      return channel.flush();
    },
    // Reads the socket's descriptor directly, without waiting for the event loop
    // (the stream is non-blocking, and it hands over what it read as soon as it
    // read it, so nothing is skipped): after a long call, the worker learns of an
    // ABORT for a call queued here without an event-loop turn before each call.
    poll() {
      if (handler === undefined) return undefined;
      // the descriptor is blocking until the socket has it: a read now might wait
      attach();
      if (early.length === 0) {
        // The last read took all the socket held (less than a full buffer), and the
        // last message it brought was handed over a moment ago: a second read now would
        // most likely fail with EAGAIN, which is thrown (an Error built, several µs).
        // A poller's loop (read until nothing is waiting) ends here instead.
        if (drainedAt >= 0) {
          const recent = now() - drainedAt < DRAINED_MS;
          drainedAt = -1;
          if (recent) return undefined;
        }
        pollBuffer ??= Buffer.allocUnsafe(POLL_BYTES);
        let n: number;
        // EAGAIN (nothing waiting) is thrown: without a stack trace it costs little
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          n = readSync(FD, pollBuffer, 0, POLL_BYTES, null);
        } catch {
          return undefined; // nothing waiting (any other error: the stream reports it)
        } finally {
          Error.stackTraceLimit = limit;
        }
        if (n <= 0) return undefined; // the parent closed: the stream's 'end' handles it
        polling = true;
        try {
          channel.feed(Buffer.from(pollBuffer.subarray(0, n)));
        } finally {
          polling = false;
        }
        emptied = n < POLL_BYTES;
      }
      const message = early.length > 0 ? early.shift() : undefined;
      if (early.length === 0) {
        if (emptied && message !== undefined) drainedAt = now();
        emptied = false;
      }
      // a poller that stops early leaves the rest to the handler, in order
      if (early.length > 0 && !deliverScheduled) {
        deliverScheduled = true;
        queueMicrotask(deliverEarly);
      }
      return message;
    },
  };
}

/**
 * Reads the descriptor, which is blocking before the socket has it, until the boot
 * record was handed over (`waiting()` turns false); everything read is fed to the
 * channel in order. The parent wrote that record when it started this child, so the
 * first read returns at once, usually with the first calls. Returns false where the
 * descriptor cannot be read this way (non-blocking: EAGAIN; or another error): then the
 * socket must read the rest, and the channel must not write to the bare descriptor.
 */
function readFirst(channel: FrameChannel, waiting: () => boolean): boolean {
  const buffer = Buffer.allocUnsafe(POLL_BYTES);
  while (waiting()) {
    let n: number;
    try {
      n = readSync(FD, buffer, 0, POLL_BYTES, null);
    } catch {
      return false;
    }
    // the parent closed its end before the child started: it is gone
    if (n <= 0) process.exit(process.exitCode ?? 0);
    channel.feed(Buffer.from(buffer.subarray(0, n)));
  }
  return true;
}

/** The child's end of the pool's message socket. */
const FD = 3;
/** The most bytes one poll reads. */
const POLL_BYTES = 64 * 1024;
/** How long (ms) a read that emptied the socket stands for a new one (see poll()). */
const DRAINED_MS = 0.05;
