import { writeSync, writevSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Deque } from '@par/async/internal';
import { PLAIN, PlainWriter, readPlain } from './plain-codec.js';

// Node 20's IPC channel re-concatenates its whole read buffer for every chunk
// that arrives (quadratic in the message size), which made a 1 MB `map` chunk
// cost more than computing it. Pool workers therefore talk over a plain socket
// pair (an extra stdio pipe) with 4-byte length framing, joining the pieces of a
// frame once. A payload is either in the plain encoding (plain-codec.ts: the
// common small messages, written straight into the output buffer) or v8's.

/** v8 payloads up to this size are copied into the output buffer; larger ones leave as they are. */
const JOIN_BYTES = 64 * 1024;
/** The output buffer's first size; one grown past {@link KEEP_BYTES} is dropped once written. */
const OUT_BYTES = 16 * 1024;
const KEEP_BYTES = 256 * 1024;
/** How long a child's write first waits for its parent to make room in a full pipe (ms), doubling up to {@link MAX_PAUSE_MS}. */
const MIN_PAUSE_MS = 0.05;
const MAX_PAUSE_MS = 5;
/** Atomics.wait on a cell nobody notifies: a sleep that does not spin. */
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `piece` from `offset` to its end into descriptor `fd`, pausing while the pipe
 * of a non-blocking descriptor is full (a blocking one waits in the call itself).
 * False when the peer is gone (EPIPE, ECONNRESET): it takes nothing more.
 */
function writeRest(fd: number, piece: Buffer, offset: number): boolean {
  let pause = MIN_PAUSE_MS;
  while (offset < piece.length) {
    try {
      offset += writeSync(fd, piece, offset);
      pause = MIN_PAUSE_MS;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
      Atomics.wait(pauseCell, 0, 0, pause);
      pause = Math.min(2 * pause, MAX_PAUSE_MS);
    }
  }
  return true;
}

type V8 = typeof import('node:v8');
let v8: V8 | undefined;
/**
 * node:v8, loaded when a message first needs it: it brings node:stream along (its heap
 * snapshot streams), milliseconds of a child's start-up that a child whose messages all
 * travel in the plain encoding never needs.
 */
const v8Module = (): V8 => {
  v8 ??= process.getBuiltinModule('node:v8') as V8;
  return v8;
};
const serialize = (value: unknown): Buffer => v8Module().serialize(value);

/** The descriptor under a socket's handle (a pipe or socket pair), if it has one. */
function descriptorOf(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}

/**
 * Length-prefixed messages over a duplex socket, in order. A channel may start on a
 * bare descriptor, before its socket exists ({@link FrameChannel.onDescriptor}): it
 * then writes with blocking system calls and reads only what it is fed, until
 * {@link attach} hands it the socket.
 */
export class FrameChannel {
  #socket: Socket | undefined;
  readonly #onMessage: (message: unknown) => void;
  readonly #chunks = new Deque<Buffer>();
  #buffered = 0;
  /** The size of the frame being read (header included), or -1 before its header. */
  #need = -1;
  /** Frames not written yet: those in #out from #sealed on, after the #pending pieces. */
  readonly #out = new PlainWriter(OUT_BYTES);
  /** Where the frames in #out not yet listed in #pending start. */
  #sealed = 0;
  /** Pieces to write before the rest of #out (a large frame, and what came before it). */
  #pending: Buffer[] = [];
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.#flushOut();
  };

  readonly #cork: boolean;
  readonly #serialize: (value: unknown) => Buffer;

  /**
   * `cork`: coalesce the messages of one tick into one write (the parent). A child
   * must not: a task that blocks its event loop right after results were posted
   * (a Timed task flushes the earlier results first) would hold them back. For the
   * same reason a child's send returns only once its bytes are in the pipe, waiting
   * for its parent to read when the pipe is full (a large result), as Python's pool
   * workers do: left to the socket's stream, the rest of a large result waited until
   * the next call ended, that call's timeout was not armed (the parent had not heard
   * it started), and a crash in it lost the finished result.
   * `serializer`: how a message that is not plain becomes bytes (`v8.serialize`).
   */
  constructor(
    socket: Socket | undefined,
    onMessage: (message: unknown) => void,
    cork = true,
    serializer: (value: unknown) => Buffer = serialize,
  ) {
    this.#serialize = serializer;
    this.#cork = cork;
    this.#onMessage = onMessage;
    if (socket !== undefined) this.attach(socket);
  }

  /**
   * A channel over the blocking descriptor `fd`, without a socket yet (loading
   * node:net and opening the socket is a few milliseconds of a child's start-up): it
   * writes straight to the descriptor, and reads what {@link feed} gives it, until
   * {@link attach} hands it a socket over the same descriptor.
   */
  static onDescriptor(
    fd: number,
    onMessage: (message: unknown) => void,
    serializer?: (value: unknown) => Buffer,
  ): FrameChannel {
    const channel = new FrameChannel(undefined, onMessage, false, serializer);
    channel.#fd = fd;
    return channel;
  }

  /** Whether the channel has its socket (see {@link onDescriptor}). */
  get attached(): boolean {
    return this.#socket !== undefined;
  }

  /** Reads and writes through `socket` from now on. */
  attach(socket: Socket): void {
    this.#socket = socket;
    this.#fd = -1;
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#readFromHandle(socket);
    // a write to a peer that is gone fails; the exit or close is reported elsewhere
    socket.on('error', () => {});
  }

  /**
   * Takes what the socket reads before its stream buffers it. Node's read callback
   * hands each read to the stream's `push` as a Buffer of exactly the bytes read (a
   * view into a larger read buffer on newer Node versions: only that callback knows the
   * offset and length); the stream's path from there (its buffer, the 'data' event, a
   * tick to read more) costs more than decoding a small message. So `push` takes the
   * bytes here; the end of the stream (`push(null)`) still goes to the stream, which
   * reports it as before.
   */
  #readFromHandle(socket: Socket): void {
    const stream = socket as unknown as { push(chunk: unknown, encoding?: unknown): boolean };
    const streamPush = stream.push;
    if (typeof streamPush !== 'function') return;
    const read = (chunk: Buffer): void => this.#read(chunk);
    stream.push = function push(this: unknown, chunk: unknown, encoding?: unknown): boolean {
      if (Buffer.isBuffer(chunk) && chunk.length > 0) {
        read(chunk);
        return true;
      }
      return Reflect.apply(streamPush, this, [chunk, encoding]);
    };
  }

  /** Encodes and sends `message`. Throws synchronously, sending nothing, if v8 cannot serialize it. */
  send(message: unknown): void {
    const out = this.#out;
    const start = out.length;
    out.reserve(4);
    out.length += 4;
    let payload: Buffer | undefined;
    if (!out.write(message)) {
      out.length = start;
      payload = this.#serialize(message);
    }
    if (this.#socket !== undefined && (this.#socket.destroyed || !this.#socket.writable)) {
      out.length = start;
      return;
    }
    if (payload === undefined) {
      out.setUint32BE(start, out.length - start - 4);
    } else if (payload.length <= JOIN_BYTES) {
      // one copy into the output: a small frame never leaves in two pieces
      out.reserve(4 + payload.length);
      out.setUint32BE(start, payload.length);
      payload.copy(out.buffer, start + 4);
      out.length = start + 4 + payload.length;
    } else {
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32BE(payload.length, 0);
      this.#seal();
      this.#pending.push(header, payload);
    }
    if (!this.#cork) {
      this.#flushOut();
      return;
    }
    // messages posted in one tick leave in one system call
    if (!this.#corked) {
      this.#corked = true;
      process.nextTick(this.#uncork);
    }
  }

  /** Lists the frames in #out so far as one piece of #pending. */
  #seal(): void {
    const out = this.#out;
    if (out.length > this.#sealed)
      this.#pending.push(out.buffer.subarray(this.#sealed, out.length));
    this.#sealed = out.length;
  }

  /** Writes every frame not written yet. */
  #flushOut(): void {
    const out = this.#out;
    let all: boolean;
    if (this.#pending.length === 0) {
      // the common case: every frame is in #out, written from it as it is
      if (out.length === 0) return;
      all = this.#writeOut(out.length);
    } else {
      this.#seal();
      const pieces = this.#pending;
      this.#pending = [];
      all = this.#write(pieces);
    }
    // the output buffer is reused only if no part of it was left with the stream
    if (!all || out.buffer.length > KEEP_BYTES) {
      out.buffer = Buffer.allocUnsafe(OUT_BYTES);
    }
    out.length = 0;
    this.#sealed = 0;
  }

  /** {@link #write} for the first `length` bytes of #out (no pieces listed before them). */
  #writeOut(length: number): boolean {
    const socket = this.#socket;
    if (socket === undefined) {
      this.#writeBlocking(this.#out.buffer.subarray(0, length));
      return true;
    }
    if (socket.destroyed) return true;
    if (!this.#cork) return this.#writeAll([this.#out.buffer.subarray(0, length)]);
    const buffer = this.#out.buffer;
    const written = this.#writeDirect(buffer, length);
    if (written >= length) return true;
    this.#writing++;
    socket.write(buffer.subarray(written, length), this.#written);
    return false;
  }

  /**
   * Writes `data` (pieces, or the first `length` bytes of one buffer) straight to the
   * socket's descriptor in one non-blocking system call, while the stream holds
   * nothing; returns the bytes the descriptor took (0 when the stream must take them:
   * it holds earlier bytes, the pipe is full, or the peer is gone).
   */
  #writeDirect(data: Buffer | Buffer[], length: number): number {
    const fd = (this.#socket as Socket).writableLength === 0 ? this.#descriptor() : -1;
    if (fd < 0) return 0;
    try {
      if (!Array.isArray(data)) return writeSync(fd, data, 0, length);
      return data.length === 1 ? writeSync(fd, data[0] as Buffer) : writevSync(fd, data);
    } catch {
      return 0; // EAGAIN (the pipe is full) or a peer that is gone: the stream takes over
    }
  }

  /**
   * Writes all of `data` to the descriptor of a channel without its socket (which is
   * blocking: it returns once the peer made room). A peer that is gone takes nothing:
   * its exit is reported elsewhere.
   */
  #writeBlocking(data: Buffer): void {
    writeRest(this.#fd, data, 0);
  }

  /**
   * A child's write: all of `pieces` into the socket's (non-blocking) descriptor before
   * it returns, pausing while the pipe is full (see the constructor). A peer that is
   * gone takes nothing: its exit is reported elsewhere. Returns whether the pieces left
   * without the socket's stream (false only for a handle without a descriptor, whose
   * stream takes them).
   */
  #writeAll(pieces: Buffer[]): boolean {
    const socket = this.#socket as Socket;
    const fd = socket.writableLength === 0 ? this.#descriptor() : -1;
    if (fd < 0) {
      for (const piece of pieces) socket.write(piece);
      return false;
    }
    let written: number;
    try {
      written = pieces.length === 1 ? writeSync(fd, pieces[0] as Buffer) : writevSync(fd, pieces);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return true;
      written = 0;
    }
    for (const piece of pieces) {
      const offset = Math.min(written, piece.length);
      written -= offset;
      if (!writeRest(fd, piece, offset)) break;
    }
    return true;
  }

  /**
   * The socket's descriptor (read once: a handle keeps its descriptor until it closes),
   * or the bare descriptor of a channel without its socket.
   */
  #fd = -1;
  #descriptor(): number {
    if (this.#fd < 0 && this.#socket !== undefined) this.#fd = descriptorOf(this.#socket);
    return this.#fd;
  }

  /**
   * Writes `pieces` in order; returns whether they all went at once. While the
   * socket's stream holds nothing, they go straight to its descriptor in one
   * (non-blocking) system call: a small message then costs no stream request,
   * callback or extra tick. What the descriptor does not take at once (a full pipe,
   * a large message, an error) goes through the stream, and so does everything
   * after it until the stream has written it all.
   */
  #write(pieces: Buffer[]): boolean {
    const socket = this.#socket;
    if (socket === undefined) {
      for (const piece of pieces) this.#writeBlocking(piece);
      return true;
    }
    if (socket.destroyed) return true;
    if (!this.#cork) return this.#writeAll(pieces);
    let written = this.#writeDirect(pieces, 0);
    let all = true;
    for (const piece of pieces) {
      if (written >= piece.length) {
        written -= piece.length;
        continue;
      }
      all = false;
      this.#writing++;
      socket.write(written === 0 ? piece : piece.subarray(written), this.#written);
      written = 0;
    }
    return all;
  }

  /** Writes handed to the socket's stream and not yet reported written. */
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
   * Writes what waits for the end of the tick now. On exit this is the last chance:
   * the write is attempted synchronously, so small final messages (results, FATAL) leave.
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
      const payload = frame.subarray(4);
      this.#onMessage(payload[0] === PLAIN ? readPlain(payload) : v8Module().deserialize(payload));
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
