// An in-memory transport for the engine contract tests: each "worker" is a
// script the test drives — it answers READY, results, last words and exits when
// the test says so. Messages are structured-cloned on post, as a real transport
// would, so a message that cannot be sent throws synchronously.

import { afterEach, vi } from 'vitest';
import {
  Pool,
  type Transport,
  type WorkerEvents,
  type WorkerHandle,
  type WorkerSpawnOptions,
} from '../src/index.js';
import { Msg, Status } from '../src/protocol.js';

/** The task of most calls in the tests on this transport. */
export const square = (x: number) => x * x;

/**
 * For a test file: returns `open(transport, options)`, which makes a Pool over
 * `transport`. After each test, timers are real again and every pool opened is
 * terminated.
 */
export function openPools(): (transport: Transport, options: object) => Pool {
  const pools: Pool[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(pools.splice(0).map((p) => p.terminate()));
  });
  return (transport, options) => {
    const pool = new Pool(transport, options);
    pools.push(pool);
    return pool;
  };
}

export interface RunEntry {
  id: number;
  key: number;
  flags: number;
  args: unknown[];
}

export class FakeWorker implements WorkerHandle {
  readonly messages: unknown[][] = [];
  terminated = false;
  exited = false;
  refd = false;

  constructor(
    readonly id: number,
    readonly options: WorkerSpawnOptions,
    readonly events: WorkerEvents,
  ) {}

  post(message: unknown): void {
    this.messages.push(structuredClone(message) as unknown[]);
  }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    queueMicrotask(() => this.exit(1, null));
  }

  ref(): void {
    this.refd = true;
  }

  unref(): void {
    this.refd = false;
  }

  /** The RUN messages received, one array of calls per message. */
  runMessages(): RunEntry[][] {
    return this.messages
      .filter((m) => m[0] === Msg.Run)
      .map((m) => {
        const calls: RunEntry[] = [];
        for (let i = 2; i < m.length; i += 4) {
          calls.push({
            id: m[i] as number,
            key: m[i + 1] as number,
            flags: m[i + 2] as number,
            args: m[i + 3] as unknown[],
          });
        }
        return calls;
      });
  }

  /** The `index`th call received. */
  run(index: number): RunEntry {
    const entry = this.runs()[index];
    if (entry === undefined) throw new Error(`worker #${this.id} received no call #${index}`);
    return entry;
  }

  /** Every call received, in order. */
  runs(): RunEntry[] {
    return this.runMessages().flat();
  }

  /** The ABORT messages received: [id, reason]. */
  aborts(): number[] {
    return this.messages.filter((m) => m[0] === Msg.Abort).map((m) => m[1] as number);
  }

  ready(): void {
    this.events.onMessage([Msg.Ready]);
  }

  /** Answers calls in one RESULTS message: [id, value, runMs] each. */
  answer(...results: [id: number, value: unknown, ms?: number][]): void {
    const message: unknown[] = [Msg.Results];
    for (const [id, value, ms = 0.01] of results) message.push(id, Status.Ok, value, ms);
    this.events.onMessage(message);
  }

  dropped(id: number): void {
    this.events.onMessage([Msg.Results, id, Status.Dropped, undefined, 0]);
  }

  /** Last words: the calls that had started, then exits with `code`. */
  fatal(started: number[], code = 1): void {
    this.events.onMessage([Msg.Fatal, undefined, started, code]);
    this.exit(code, null);
  }

  exit(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = true;
    this.events.onExit(code, signal);
  }
}

export class MemoryTransport implements Transport {
  readonly capabilities = {
    kind: 'memory',
    sharedMemory: false,
    transfer: true,
    messagePorts: false,
  };
  readonly workers: FakeWorker[] = [];

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    const worker = new FakeWorker(this.workers.length + 1, options, events);
    this.workers.push(worker);
    return worker;
  }

  /** The newest worker. */
  get last(): FakeWorker {
    const worker = this.workers.at(-1);
    if (worker === undefined) throw new Error('no worker was spawned');
    return worker;
  }
}

/** Lets queued microtasks (the pool's pump) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/**
 * A worker that plays its part on its own: it is ready as soon as it starts, and
 * answers each call with the square of its argument, except the calls `held` keeps
 * until released and the call whose argument is {@link CRASH}, on which it dies.
 */
class AutoWorker implements WorkerHandle {
  constructor(
    readonly worker: FakeWorker,
    readonly held: Map<number, () => void>,
  ) {
    queueMicrotask(() => {
      if (!worker.terminated && !worker.exited) worker.ready();
    });
  }

  post(message: unknown): void {
    this.worker.post(message);
    const m = message as unknown[];
    if (m[0] !== Msg.Run) return;
    for (let i = 2; i < m.length; i += 4) {
      const id = m[i] as number;
      const value = (m[i + 3] as unknown[])[0] as number;
      const answer = () => {
        if (!this.worker.exited) this.worker.answer([id, value * value]);
      };
      if (value === CRASH) queueMicrotask(() => this.worker.exit(1, null));
      else if (this.held.has(value)) this.held.set(value, answer);
      else queueMicrotask(answer);
    }
  }

  terminate(): void {
    this.worker.terminate();
  }

  ref(): void {
    this.worker.ref();
  }

  unref(): void {
    this.worker.unref();
  }
}

/** The argument on which an {@link AutoTransport} worker dies. */
export const CRASH = -1;

/** In-memory workers that run by themselves (see {@link AutoWorker}). */
export class AutoTransport implements Transport {
  readonly inner = new MemoryTransport();
  readonly capabilities = this.inner.capabilities;
  /** Held values, each with the answer that releases it once a worker received it. */
  readonly held = new Map<number, () => void>();

  spawn(options: WorkerSpawnOptions, events: WorkerEvents): WorkerHandle {
    return new AutoWorker(this.inner.spawn(options, events) as FakeWorker, this.held);
  }
}
