// The inbox: how the worker reads what the parent sends. Messages arrive through
// the port's handler; besides, the worker reads its port before starting a call
// when an ABORT may be waiting (so a call aborted while it waited never starts),
// and an idle worker spin-polls briefly for the next message (transports with
// `poll`, e.g. worker_threads' receiveMessageOnPort).

import type { WorkerPort } from '../transport.js';
import { now } from './clock.js';
import { SpareCores } from './spare-cores.js';

/** How long an idle worker polls for the next message (ms). */
const SPIN_MS = 0.05;
/** The most time the poll loop keeps the event loop from turning (ms). */
const TURN_MS = 2;
/**
 * After running this long without reading its port (or at once when the pool's
 * shared ABORT count changed), a worker reads what arrived before it starts its next
 * call: an ABORT for a call waiting behind a running task is then seen in time and
 * that call never starts.
 */
const LOOK_MS = 1;

const yieldToLoop: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ??
  ((fn) => setTimeout(fn, 0));

/** Whether the machine has CPU time to spare for spinning (shared by the worker's inboxes). */
const spareCores = new SpareCores();

/** @internal What the inbox needs from the runtime's core loop. */
export interface InboxHost {
  /** Handles one message from the parent. */
  handle(message: unknown[]): void;
  /** Starts what can start and posts results (after the inbox let the event loop turn). */
  resume(): void;
  /** Whether the worker has nothing to run (spin-polling then waits for the next message). */
  idle(): boolean;
}

/** @internal */
export class Inbox {
  /** When the worker last read its port. */
  #lastLook = now();
  /** When the worker's last synchronous call ended (or it last read its port). */
  #clock = this.#lastLook;
  /** Reading the port from inside the core loop (look()). */
  looking = false;
  /** Waiting for the event loop to deliver what arrived (no poll). */
  yielded = false;
  /**
   * Without shared memory: the event loop has not turned since a long synchronous
   * call, so the messages being handled are a backlog and an ABORT may sit behind a RUN.
   */
  #backlog = false;
  readonly #clearBacklog = (): void => {
    this.#backlog = false;
  };
  /** ABORTs the pool posted (shared memory, WorkerBoot#aborts), as last read. */
  #abortsSeen = 0;
  readonly #poll: (() => unknown) | undefined;
  #misses = 0;
  #skip = 0;

  constructor(
    port: WorkerPort,
    private readonly aborts: Int32Array | undefined,
    private readonly host: InboxHost,
  ) {
    this.#poll = port.poll?.bind(port);
    const poll = this.#poll;
    port.onMessage(
      poll === undefined
        ? (message) => this.#receive(message)
        : (message) => {
            this.#receive(message);
            this.#spin(poll);
          },
    );
  }

  #receive(raw: unknown): void {
    if (!this.looking) this.#lastLook = this.#clock = now();
    this.host.handle(raw as unknown[]);
  }

  /**
   * A synchronous call ran from `t0` to `t1`. After a long one without shared
   * memory, what the worker handles next is treated as a backlog until the event
   * loop went through its next poll phase (two `setImmediate` hops), so that
   * ABORTs that arrived during the call are read before the next call starts.
   */
  ran(t0: number, t1: number): void {
    this.#clock = t1;
    // a port that can be polled is read before the next call starts (look())
    if (
      t1 - t0 <= LOOK_MS ||
      this.aborts !== undefined ||
      this.#poll !== undefined ||
      this.#backlog
    ) {
      return;
    }
    this.#backlog = true;
    // two hops: the second runs after the loop's next poll phase read what arrived
    yieldToLoop(() => yieldToLoop(this.#clearBacklog));
  }

  /** Whether the port can be read synchronously ({@link look} reads it at once). */
  get polls(): boolean {
    return this.#poll !== undefined;
  }

  /** Whether the worker must read its port before starting its next call. */
  shouldLook(): boolean {
    return (
      this.#clock - this.#lastLook > LOOK_MS ||
      this.#backlog ||
      (this.aborts !== undefined && Atomics.load(this.aborts, 0) !== this.#abortsSeen)
    );
  }

  /**
   * Reads the messages that arrived while the worker ran (ABORTs for calls still
   * queued mark them dropped). With `poll` this happens now and returns true;
   * without, it returns false and the core loop resumes (host.resume) once the
   * event loop delivered them.
   */
  look(): boolean {
    if (this.aborts !== undefined) this.#abortsSeen = Atomics.load(this.aborts, 0);
    const poll = this.#poll;
    if (poll !== undefined) {
      this.looking = true;
      try {
        for (;;) {
          const message = poll();
          if (message === undefined) break;
          this.#receive(message);
        }
      } finally {
        this.looking = false;
      }
      this.#lastLook = this.#clock = now();
      return true;
    }
    this.yielded = true;
    const resume = (): void => {
      if (this.#backlog) {
        yieldToLoop(resume);
        return;
      }
      this.yielded = false;
      this.#lastLook = this.#clock = now();
      this.host.resume();
    };
    yieldToLoop(resume);
    return false;
  }

  // Spin-poll fast path (transports with poll()): after answering, an idle worker
  // keeps polling for the next message for SPIN_MS instead of going to sleep, so
  // request/response traffic skips a thread wake-up (~60 µs on an idle machine).
  // Only while nothing is outstanding, at most TURN_MS per event-loop turn
  // (timers keep running), only while the other threads of the machine leave at least
  // half a core unused (spare-cores.ts), and it backs off when polling keeps missing.
  #spin(poll: () => unknown): void {
    // a worker with work in hand does not spin: nor does it measure the machine for it
    // (the first measurement reads /proc, a millisecond of a new worker's first call)
    if (!this.host.idle() || !spareCores.get()) return;
    if (this.#skip > 0) {
      this.#skip--;
      return;
    }
    const start = now();
    let until = start + SPIN_MS;
    while (this.host.idle()) {
      const message = poll();
      if (message !== undefined) {
        this.#misses = 0;
        this.#receive(message);
        const t = now();
        if (t - start > TURN_MS) return;
        until = t + SPIN_MS;
        continue;
      }
      if (now() > until) {
        if (++this.#misses >= 8) {
          this.#misses = 0;
          this.#skip = 64;
        }
        return;
      }
    }
  }
}
