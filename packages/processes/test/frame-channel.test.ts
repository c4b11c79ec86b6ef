import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { serialize } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameChannel } from '../src/frame-channel.js';

/** Two connected local sockets (a socket pair, as between the pool and a child). */
async function socketPair(): Promise<[Socket, Socket]> {
  const dir = mkdtempSync(join(tmpdir(), 'par-frames-'));
  const path = join(dir, 's');
  const server: Server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const client = connect(path);
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const other = await accepted;
  server.close();
  rmSync(dir, { recursive: true, force: true });
  opened.push(client, other);
  return [client, other];
}

const opened: Socket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.destroy();
  vi.restoreAllMocks();
});

/** A channel on `socket` whose messages land in the returned array; `until(n)` waits for n. */
function receiver(socket: Socket): { got: unknown[]; until(n: number): Promise<void> } {
  const got: unknown[] = [];
  let wake: (() => void) | undefined;
  new FrameChannel(socket, (message) => {
    got.push(message);
    wake?.();
  });
  return {
    got,
    async until(n) {
      while (got.length < n) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

describe('FrameChannel', () => {
  it('writes a small message straight to the descriptor, without a stream write', async () => {
    const [a, b] = await socketPair();
    const write = vi.spyOn(a, 'write');
    const sender = new FrameChannel(a, () => {}, false);
    const { got, until } = receiver(b);
    sender.send([1, 'one', [2, 3]]);
    sender.send({ x: 4 });
    expect(write).not.toHaveBeenCalled();
    await until(2);
    expect(got).toEqual([[1, 'one', [2, 3]], { x: 4 }]);
  });

  it('takes what the socket reads, past the stream, and leaves the end of the stream to it', async () => {
    const [a, b] = await socketPair();
    const sender = new FrameChannel(a, () => {}, true);
    const { got, until } = receiver(b);
    const streamed: Buffer[] = [];
    b.on('data', (chunk: Buffer) => streamed.push(chunk));
    const ended = new Promise<void>((resolve) => b.once('end', resolve));
    sender.send([1, 'one']);
    sender.send({ large: 'x'.repeat(200_000) });
    await until(2);
    expect(got).toEqual([[1, 'one'], { large: 'x'.repeat(200_000) }]);
    // the stream's 'data' events carried none of it
    expect(streamed).toEqual([]);
    a.end();
    await ended;
  });

  it('joins the messages of one tick into one write when corked, in order', async () => {
    const [a, b] = await socketPair();
    const write = vi.spyOn(a, 'write');
    const sender = new FrameChannel(a, () => {}, true);
    const { got, until } = receiver(b);
    for (let i = 0; i < 5; i++) sender.send([i]);
    await until(5);
    expect(got).toEqual([[0], [1], [2], [3], [4]]);
    expect(write).not.toHaveBeenCalled();
  });

  it('sends plain messages without the v8 serializer, and the rest with it', async () => {
    const [a, b] = await socketPair();
    const serializer = vi.fn(serialize);
    const sender = new FrameChannel(a, () => {}, true, serializer);
    const { got, until } = receiver(b);
    const holey: unknown[] = [1];
    holey[2] = 3;
    sender.send([1, 0, 7, 2, 0, [500, 'x'], 8, 2, 0, [0.5, null, true]]);
    expect(serializer).not.toHaveBeenCalled();
    sender.send([2, 7, 0, { an: 'object', at: new Date(0) }, 0.5]);
    sender.send([2, 8, 0, holey, 0.5]);
    sender.send([2, 9, 0, 'plain again', 0.5]);
    expect(serializer).toHaveBeenCalledTimes(2);
    await until(4);
    expect(got).toEqual([
      [1, 0, 7, 2, 0, [500, 'x'], 8, 2, 0, [0.5, null, true]],
      [2, 7, 0, { an: 'object', at: new Date(0) }, 0.5],
      [2, 8, 0, holey, 0.5],
      [2, 9, 0, 'plain again', 0.5],
    ]);
    // the hole arrived as a hole, as v8 sends it
    expect(1 in ((got[2] as unknown[])[3] as unknown[])).toBe(false);
  });

  it('sends nothing for a message v8 cannot serialize, and throws', async () => {
    const [a, b] = await socketPair();
    const sender = new FrameChannel(a, () => {}, false);
    const { got, until } = receiver(b);
    expect(() => sender.send([1, () => 0])).toThrow();
    sender.send(['after']);
    await until(1);
    expect(got).toEqual([['after']]);
  });

  it('uncork() writes what the tick holds at once', async () => {
    const [a, b] = await socketPair();
    const sender = new FrameChannel(a, () => {}, true);
    const { got, until } = receiver(b);
    sender.send('last words');
    sender.uncork();
    // the nextTick that would have written it is not needed: the bytes left already
    a.destroy();
    await until(1);
    expect(got).toEqual(['last words']);
  });

  it('keeps the order when the peer stops reading and the stream takes over (the parent)', async () => {
    const [a, b] = await socketPair();
    const write = vi.spyOn(a, 'write');
    const sender = new FrameChannel(a, () => {}, true);
    b.pause();
    const block = 'x'.repeat(16 * 1024);
    const count = 200; // 3 MB: more than a local socket buffers
    for (let i = 0; i < count; i++) sender.send([i, block]);
    const flushed = sender.flush();
    // the socket buffer filled: the rest waits in the stream
    expect(write).toHaveBeenCalled();
    const { got, until } = receiver(b);
    b.resume();
    await until(count);
    await flushed;
    expect(got.map((m) => (m as [number, string])[0])).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
    expect(got.every((m) => (m as [number, string])[1] === block)).toBe(true);
  });

  it("a channel that does not cork (a child's) has written a message larger than the socket buffer when send returns", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'par-frames-'));
    const path = join(dir, 's');
    const server: Server = createServer();
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const size = 4 * 1024 * 1024;
    // the reader is another process (as a child's parent is): it counts the bytes it gets
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('node:net').connect(${JSON.stringify(path)}); let n = 0;
         s.on('data', (d) => { n += d.length; if (n >= ${size}) { process.stdout.write(String(n)); s.end(); } });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const counted = text(reader.stdout);
    const socket = await accepted;
    server.close();
    opened.push(socket);
    const write = vi.spyOn(socket, 'write');
    const sender = new FrameChannel(socket, () => {}, false);
    sender.send(new Uint8Array(size - 64).fill(1)); // with its header and v8's, about `size`
    sender.send(new Uint8Array(64 + 16).fill(2));
    // nothing was left to the stream: the bytes are in the kernel, whatever the task does next
    expect(write).not.toHaveBeenCalled();
    expect(socket.writableLength).toBe(0);
    expect(Number(await counted)).toBeGreaterThanOrEqual(size);
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a message larger than the socket buffer intact, and what follows it', async () => {
    const [a, b] = await socketPair();
    const sender = new FrameChannel(a, () => {}, true);
    const { got, until } = receiver(b);
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
    sender.send(big);
    sender.send('after');
    await until(2);
    expect(Buffer.from(got[0] as Uint8Array).equals(Buffer.from(big))).toBe(true);
    expect(got[1]).toBe('after');
  });
});
