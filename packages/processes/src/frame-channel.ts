import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';
import { Deque } from '@par/async/internal';

// Node 20's IPC channel re-concatenates its whole read buffer for every chunk
// that arrives (quadratic in the message size), which made a 1 MB `map` chunk
// cost more than computing it. Pool workers therefore talk over a plain socket
// pair (an extra stdio pipe) with 4-byte length framing and v8 serialization,
// joining the pieces of a frame once.

/** Frames up to this size travel as one buffer (header and payload joined); larger ones as two. */
const JOIN_BYTES = 64 * 1024;

/** Length-prefixed v8-serialized messages over a duplex socket, in order. */
export class FrameChannel {
  readonly #socket: Socket;
  readonly #onMessage: (message: unknown) => void;
  readonly #chunks = new Deque<Buffer>();
  #buffered = 0;
  /** The size of the frame being read (header included), or -1 before its header. */
  #need = -1;
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.#socket.uncork();
  };

  readonly #cork: boolean;
  readonly #serialize: (value: unknown) => Buffer;

  /**
   * `cork`: coalesce the messages of one tick into one write (the parent). A child
   * must not: a task that blocks its event loop right after results were posted
   * (a Timed task flushes the earlier results first) would hold them back.
   * `serializer`: how a message becomes bytes (`v8.serialize`).
   */
  constructor(
    socket: Socket,
    onMessage: (message: unknown) => void,
    cork = true,
    serializer: (value: unknown) => Buffer = serialize,
  ) {
    this.#serialize = serializer;
    this.#socket = socket;
    this.#cork = cork;
    this.#onMessage = onMessage;
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    // a write to a peer that is gone fails; the exit or close is reported elsewhere
    socket.on('error', () => {});
  }

  /** Serializes and sends `message`. Throws synchronously, sending nothing, if v8 cannot serialize it. */
  send(message: unknown): void {
    const payload = this.#serialize(message);
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(payload.length, 0);
    if (this.#socket.destroyed || !this.#socket.writable) return;
    // messages posted in one tick leave in one writev
    if (this.#cork && !this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(this.#uncork);
    }
    this.#writing++;
    if (payload.length <= JOIN_BYTES) {
      // one buffer, one write: a small frame costs one system call, not two
      const frame = Buffer.allocUnsafe(4 + payload.length);
      header.copy(frame, 0);
      payload.copy(frame, 4);
      this.#socket.write(frame, this.#written);
    } else {
      this.#socket.write(header);
      this.#socket.write(payload, this.#written);
    }
  }

  /** Writes handed to the socket and not yet reported written. */
  #writing = 0;
  /** Callers of flush() waiting for #writing to reach 0. */
  #drained: (() => void)[] = [];
  readonly #written = (): void => {
    if (--this.#writing > 0) return;
    const waiting = this.#drained;
    this.#drained = [];
    for (const resolve of waiting) resolve();
  };

  /**
   * Hands what is corked to the socket now. On exit this is the last chance: a pipe
   * write is attempted synchronously, so small final messages (results, FATAL) leave.
   */
  uncork(): void {
    if (this.#corked) this.#uncork();
  }

  /** Resolves once everything sent so far was handed to the operating system. */
  flush(): Promise<void> {
    if (this.#corked) this.#uncork();
    if (this.#writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /**
   * Takes bytes read from the socket's file descriptor outside the stream (a
   * synchronous poll): they join what the stream delivered, in order.
   */
  feed(chunk: Buffer): void {
    this.#read(chunk);
  }

  #read(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < 4) return;
        this.#need = 4 + this.#peekLength();
      }
      if (this.#buffered < this.#need) return;
      const frame = this.#take(this.#need);
      this.#need = -1;
      this.#onMessage(deserialize(frame.subarray(4)));
    }
  }

  #peekLength(): number {
    const first = this.#chunks.peek() as Buffer;
    if (first.length >= 4) return first.readUInt32BE(0);
    const header = Buffer.allocUnsafe(4);
    let offset = 0;
    for (let i = 0; offset < 4; i++) {
      const piece = this.#chunks.at(i) as Buffer;
      offset += piece.copy(header, offset, 0, Math.min(piece.length, 4 - offset));
    }
    return header.readUInt32BE(0);
  }

  #take(size: number): Buffer {
    const first = this.#chunks.peek() as Buffer;
    this.#buffered -= size;
    if (first.length > size) {
      this.#chunks.shift();
      this.#chunks.unshift(first.subarray(size));
      return first.subarray(0, size);
    }
    if (first.length === size) {
      this.#chunks.shift();
      return first;
    }
    // the frame spans several chunks: join exactly its pieces, once
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const piece = this.#chunks.shift() as Buffer;
      const n = Math.min(piece.length, size - offset);
      piece.copy(out, offset, 0, n);
      offset += n;
      if (n < piece.length) this.#chunks.unshift(piece.subarray(n));
    }
    return out;
  }
}
