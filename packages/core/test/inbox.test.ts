import fs from 'node:fs';
import { afterEach, expect, test, vi } from 'vitest';
import type { WorkerPort } from '../src/transport.js';
import { Inbox } from '../src/worker/inbox.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A port that can be polled (nothing is ever waiting), and how to deliver a message to it. */
function pollablePort(): { port: WorkerPort; deliver(message: unknown[]): void } {
  let handler: ((message: unknown) => void) | undefined;
  const port: WorkerPort = {
    capabilities: { kind: 'threads', sharedMemory: true, transfer: true },
    post() {},
    onMessage(h: (message: unknown) => void) {
      handler = h;
    },
    poll: () => undefined,
  } as unknown as WorkerPort;
  return { port, deliver: (message) => handler?.(message) };
}

const readsOfProcStat = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.filter(([path]) => path === '/proc/stat').length;

test("a worker with work in hand does not read the machine's counters to decide on spinning", () => {
  // the spin gate reads /proc/stat on Linux (spare-cores.ts): a millisecond, which a
  // worker's first call paid before it ran, though a worker with a call does not spin
  const readFileSync = vi.spyOn(fs, 'readFileSync');
  let idle = false;
  const handled: unknown[] = [];
  const { port, deliver } = pollablePort();
  new Inbox(port, undefined, {
    handle: (message) => handled.push(message),
    resume() {},
    idle: () => idle,
  });

  deliver([1, 'a call']);
  expect(handled).toEqual([[1, 'a call']]);
  expect(readsOfProcStat(readFileSync)).toBe(0);

  // once idle, after the next message, the gate is measured
  idle = true;
  deliver([1, 'another']);
  expect(readsOfProcStat(readFileSync)).toBe(1);
});
