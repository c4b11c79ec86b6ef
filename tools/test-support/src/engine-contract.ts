// @par/core's engine contract as a function of the transport under test: the same
// cases run in @par/core against its in-memory transport and, in @par/threads and
// @par/processes, against worker_threads and child processes.
// Real timers only: every wait is on an event (a call that started, a call that
// settled, a worker that exited), never on a guess of how long something takes.
// Cases that need a stopped clock (exact timeout instants, run times that decide a
// batch) stay in @par/core's engine-contract.test.ts, on the in-memory transport alone.

import { CancelledError, TimeoutError } from '@par/async';
import type * as Core from '@par/core';
import type { Transport, WorkerHandle } from '@par/core';
import { Queue } from '@par/queue';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The first element of a RUN message, the engine's call to a worker (`Msg.Run` in
 * @par/core's protocol, which the package does not export). @par/core's tests check
 * that the two agree.
 */
export const RUN_MESSAGE = 1;

/**
 * The classes the contract uses, from the @par/core under test (its source in its
 * own tests, the built package in the other packages' tests).
 */
export type ContractCore = Pick<
  typeof Core,
  | 'Pool'
  | 'Executor'
  | 'BrokenPoolError'
  | 'WorkerCrashedError'
  | 'PoolClosedError'
  | 'registerQueueHandler'
>;

/** A call as the contract submits it: `pool.run(task, ...args)`. */
export interface ContractCall {
  readonly task: Core.Task<never[], unknown>;
  readonly args: unknown[];
}

/** A call whose task runs until the test releases it. */
export interface HeldCall extends ContractCall {
  /** Resolves once a worker runs the call. */
  started(): Promise<void>;
  /** Lets the task return the square of its value. */
  release(): void;
}

/** How the contract reaches the transport under test. */
export interface ContractDriver {
  /** Names the transport in the test titles. */
  readonly name: string;
  readonly core: ContractCore;
  /** A new transport, for one pool. */
  transport(): Transport;
  /** A call of a task that returns the square of `value`. */
  square(value: number): ContractCall;
  /** A call of a task that runs until released, then returns the square of `value`. */
  held(value: number): HeldCall;
  /** A call of a task whose worker dies while it runs (no result, no error from the task). */
  crashing(): ContractCall;
}

/** What a wrapped transport saw: workers started, and the calls each RUN message carried. */
export interface Recording {
  spawns: number;
  /** One entry per RUN message: the number of calls in it. */
  runMessages: number[];
}

/** `transport`, with every spawn and RUN message counted into `recording`. */
export function recorded(transport: Transport, recording: Recording): Transport {
  return {
    capabilities: transport.capabilities,
    spawn(options, events): WorkerHandle {
      recording.spawns++;
      const handle = transport.spawn(options, events);
      const post = handle.post.bind(handle);
      handle.post = (message, transfer) => {
        if (Array.isArray(message) && message[0] === RUN_MESSAGE) {
          // [RUN, reserved, then (id, key, flags, args) per call]
          recording.runMessages.push((message.length - 2) / 4);
        }
        post(message, transfer);
      };
      return handle;
    },
  };
}

/** `transport`, whose workers all fail to start: each exits with code 1 before it is ready. */
export function dyingAtStart(transport: Transport): Transport {
  return {
    capabilities: transport.capabilities,
    spawn(options, events): WorkerHandle {
      // as a worker whose start fails by itself (a throwing initializer, a bad flag):
      // it says nothing and exits with code 1 (a kill from outside would not count)
      const handle = transport.spawn(options, {
        onMessage: () => {},
        onError: () => {},
        onExit: () => events.onExit(1, null),
      });
      handle.terminate();
      return handle;
    },
  };
}

/**
 * Held and crashing calls on real workers: the held task tells the test it started
 * through one queue and waits on another (queue handles work on every transport,
 * once `core` has the queue transfer handler registered).
 */
export function realWorkerCalls(
  core: ContractCore,
): Pick<ContractDriver, 'square' | 'held' | 'crashing'> {
  core.registerQueueHandler();
  const square = (x: number) => x * x;
  const hold = async (
    started: { put(v: number): Promise<void> },
    gate: { get(): Promise<unknown> },
    x: number,
  ) => {
    await started.put(x);
    await gate.get();
    return x * x;
  };
  const crash = () => {
    process.exit(1);
  };
  return {
    square: (value) => ({ task: square as never, args: [value] }),
    held(value) {
      const started = new Queue<number>();
      const gate = new Queue<number>();
      return {
        task: hold as never,
        args: [started, gate, value],
        started: async () => {
          await started.get();
        },
        release: () => gate.putNowait(1),
      };
    },
    crashing: () => ({ task: crash as never, args: [] }),
  };
}

/** Resolves once `held` started; rejects at once if its call settles first. */
async function untilStarted(held: HeldCall, call: PromiseLike<unknown>): Promise<void> {
  const settledFirst = Promise.resolve(call).then(
    (value) => {
      throw new Error(`The call settled before it started running: ${String(value)}`);
    },
    (error: unknown) => {
      throw new Error('The call failed before it started running', { cause: error });
    },
  );
  await Promise.race([held.started(), settledFirst]);
}

/** The engine's contract, run against the transport `driver` gives. */
export function engineContract(driver: ContractDriver): void {
  const { Pool, Executor, BrokenPoolError, WorkerCrashedError, PoolClosedError } = driver.core;
  type Pool = InstanceType<typeof Pool>;
  const pools: Pool[] = [];

  /** A pool on a recorded transport, terminated after the test. */
  function open(options: Core.PoolOptions, wrap = (t: Transport) => t) {
    const recording: Recording = { spawns: 0, runMessages: [] };
    const pool = new Pool(recorded(wrap(driver.transport()), recording), options);
    pools.push(pool);
    return { pool, recording };
  }
  const run = (pool: Pool, call: ContractCall, options: { timeout?: number } = {}) =>
    pool.run({ task: call.task, args: call.args as never[], ...options });

  describe(`the engine contract on ${driver.name}`, () => {
    afterEach(async () => {
      await Promise.all(pools.splice(0).map((p) => p.terminate()));
    });

    describe('dispatch', () => {
      it('a call settles with the result its worker reports and counts as completed', async () => {
        const { pool, recording } = open({ maxWorkers: 2 });
        await expect(run(pool, driver.square(3))).resolves.toBe(9);
        expect(recording.spawns).toBe(1);
        expect(pool.stats()).toMatchObject({ completed: 1, failed: 0, running: 0, queued: 0 });
      });
    });

    describe('batching decisions', () => {
      it('until a task has a measured run time, a busy worker is handed no further call', async () => {
        const { pool, recording } = open({ maxWorkers: 1 });
        const held = [1, 2, 3, 4].map((v) => driver.held(v));
        const calls = held.map((h) => run(pool, h));
        await untilStarted(held[0] as HeldCall, calls[0] as Promise<unknown>);
        expect(recording.runMessages).toEqual([1]);
        expect(pool.stats()).toMatchObject({ running: 1, queued: 3 });
        for (const h of held) h.release();
        await expect(Promise.all(calls)).resolves.toEqual([1, 4, 9, 16]);
      });
    });

    describe('timeouts', () => {
      it('a call that outlives its timeout rejects with TimeoutError, and its late result is ignored', async () => {
        const { pool } = open({ maxWorkers: 1, gracePeriod: 600_000 });
        const held = driver.held(2);
        const call = run(pool, held, { timeout: 50 });
        await expect(call).rejects.toBeInstanceOf(TimeoutError);
        // the task ignores the abort and returns once released; until it has, the
        // worker is busy, so the next call runs after the late result came back
        held.release();
        await expect(run(pool, driver.square(5))).resolves.toBe(25);
        expect(pool.stats()).toMatchObject({ completed: 1, failed: 1, running: 0 });
      });
    });

    describe('cancel windows', () => {
      it('a queued call cancelled never reaches a worker', async () => {
        const { pool, recording } = open({ maxWorkers: 1 });
        const executor = new Executor(pool);
        const held = driver.held(1);
        const first = executor.submit(held.task, ...(held.args as never[]));
        const square = driver.square(2);
        const second = executor.submit(square.task, ...(square.args as never[]));
        await untilStarted(held, first);
        expect(second.cancel()).toBe(true);
        await expect(second).rejects.toBeInstanceOf(CancelledError);
        held.release();
        await expect(first).resolves.toBe(1);
        await pool.close();
        expect(recording.runMessages).toEqual([1]);
        expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
      });

      it('a running call cannot be cancelled', async () => {
        const { pool } = open({ maxWorkers: 1 });
        const executor = new Executor(pool);
        const held = driver.held(3);
        const future = executor.submit(held.task, ...(held.args as never[]));
        await untilStarted(held, future);
        expect(future.running()).toBe(true);
        expect(future.cancel()).toBe(false);
        held.release();
        await expect(future).resolves.toBe(9);
      });
    });

    describe('crashes and the broken state', () => {
      it('a worker that dies fails the call it was running; the call queued behind it runs on a replacement', async () => {
        const { pool, recording } = open({ maxWorkers: 1 });
        const crashed = run(pool, driver.crashing());
        const queued = run(pool, driver.square(2));
        await expect(crashed).rejects.toBeInstanceOf(WorkerCrashedError);
        await expect(queued).resolves.toBe(4);
        expect(recording.spawns).toBe(2);
        expect(pool.stats()).toMatchObject({ completed: 1, failed: 1 });
      });

      it('three workers in a row that exit before they are ready break the pool: every call rejects with BrokenPoolError', async () => {
        const { pool, recording } = open({ maxWorkers: 1 }, dyingAtStart);
        await expect(run(pool, driver.square(1))).rejects.toBeInstanceOf(BrokenPoolError);
        await expect(run(pool, driver.square(2))).rejects.toBeInstanceOf(BrokenPoolError);
        expect(recording.spawns).toBe(3);
        expect(pool.stats().failed).toBe(2);
      });

      it('terminate() rejects running and queued calls with PoolClosedError', async () => {
        const { pool } = open({ maxWorkers: 1 });
        const held = driver.held(1);
        const running = run(pool, held);
        const queued = run(pool, driver.square(2));
        await untilStarted(held, running);
        const stopped = pool.terminate();
        await expect(running).rejects.toBeInstanceOf(PoolClosedError);
        await expect(queued).rejects.toBeInstanceOf(PoolClosedError);
        await stopped;
      });
    });
  });
}
