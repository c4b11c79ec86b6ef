// Cases every pool transport must pass, as a function of the pool under test: the same
// cases run in @par/threads (worker threads) and @par/processes (child processes),
// with the tasks of fixtures/transport-tasks.mjs. Waits are on events (a get that
// reached the queue, a round trip), never on a guess of how long something takes.
import { TimeoutError } from '@par/async';
import { NotCloneableError, type Pool } from '@par/core';
import { Queue } from '@par/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from './secret.js';

/** The module of the tasks these cases run; `tasks()` of the package under test takes it. */
export const transportTasksUrl = new URL('../fixtures/transport-tasks.mjs', import.meta.url);
export type TransportTasks = typeof import('../fixtures/transport-tasks.mjs');

/** A Queue that lets a test wait until a worker's get() has reached it. */
export class WatchedQueue<T> extends Queue<T> {
  gets = 0;
  #waiters: (() => void)[] = [];

  override get(options?: { timeout?: number; signal?: AbortSignal }): Promise<T> {
    this.gets++;
    for (const wake of this.#waiters.splice(0)) wake();
    return super.get(options);
  }

  /** Resolves once `n` gets have reached the queue. */
  async untilGets(n: number): Promise<void> {
    while (this.gets < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

/** What the cases use of a pool (ThreadPool, ProcessPool). */
export type CasesPool = Pick<Pool, 'run' | 'terminate'>;

/** A call as the cases make it: one of the tasks, its arguments and the call's options. */
interface Call {
  task: unknown;
  args: unknown[];
  signal?: AbortSignal;
  timeout?: number;
}

/** How the cases reach the pool under test. */
export interface PoolCasesDriver {
  /** The pool's class name, in the test titles. */
  readonly name: string;
  /** A new pool of one worker. */
  pool(options?: { gracePeriod?: number }): CasesPool;
  /** The tasks of {@link transportTasksUrl}, made with the package's `tasks()`. */
  readonly tasks: { readonly [K in keyof TransportTasks]: unknown };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The cases, run against the pools `driver` gives. */
export function poolCases(driver: PoolCasesDriver): void {
  const t = driver.tasks;
  const pools: CasesPool[] = [];
  /** A pool of one worker, terminated after the test. */
  const open = (options?: { gracePeriod?: number }) => {
    const pool = driver.pool(options);
    pools.push(pool);
    return pool;
  };
  // the tasks are references made by the package under test, typed there
  const submit = (pool: CasesPool, c: Call): Promise<unknown> =>
    pool.run({ ...c, task: c.task as never, args: c.args as never[] });
  const run = (pool: CasesPool, task: unknown, ...args: unknown[]) => submit(pool, { task, args });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.terminate()));
  });

  describe(`${driver.name}: thrown values that do not travel keep what can be kept`, () => {
    it('a thrown object holding a function arrives with its other properties and a placeholder', async () => {
      const thrown = await run(open(), t.throwObjectWithFunction).catch((e: unknown) => e);
      expect(thrown).toEqual({
        code: 'E_RETRY',
        attempts: 3,
        detail: { step: 2 },
        retry: '[not cloneable: a function (retry)]',
      });
    });

    it('an error property holding a function arrives as a placeholder naming it', async () => {
      const error = await run(open(), t.failWithCallback).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({
        message: 'with a callback',
        code: 'E_CB',
        onDone: '[not cloneable: a function (onDone)]',
      });
    });
  });

  describe(`${driver.name}: a class instance whose state is all #private is refused, not sent as {}`, () => {
    it('as an argument: NotCloneableError names the argument path and the class', async () => {
      const pool = open();
      const nested = await run(pool, t.keysOf, { config: { owner: new Secret('s3cr3t') } }).catch(
        (e: unknown) => e,
      );
      expect(nested).toBeInstanceOf(NotCloneableError);
      expect((nested as Error).message).toMatch(
        /^Task `keysOf` \(.*transport-tasks\.mjs\): argument 0\.config\.owner \(an instance of class Secret\) could not be sent to the worker/,
      );
      expect((nested as Error).message).toContain('would arrive as an empty object {}');
      const inArray = await run(pool, t.keysOf, [new Secret('s3cr3t')]).catch((e: unknown) => e);
      expect(inArray).toBeInstanceOf(NotCloneableError);
      expect((inArray as Error).message).toMatch(
        /^Task `keysOf` \(.*transport-tasks\.mjs\): argument 0\[0\] \(an instance of class Secret\) could not be sent to the worker/,
      );
    });

    it('as a result: NotCloneableError names the path in the result and the class', async () => {
      const error = await run(open(), t.secretResult, 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotCloneableError);
      expect((error as Error).message).toContain(
        'The result of task `secretResult` (result.owner, an instance of class Secret) could not be sent back to the caller',
      );
    });
  });

  describe(`${driver.name}: a queue get of a task the pool gave up (timeout, abort)`, () => {
    /** A call on a new pool whose get has reached `jobs`, and the controller that aborts it. */
    async function waitingGet() {
      const pool = open();
      const jobs = new WatchedQueue<number>();
      const controller = new AbortController();
      const call = submit(pool, { task: t.getOne, args: [jobs], signal: controller.signal });
      await jobs.untilGets(1);
      return { pool, jobs, controller, call };
    }

    it('is withdrawn on the owner when the call is aborted: items put in the same tick stay in the queue', async () => {
      const { pool, jobs, controller, call } = await waitingGet();
      controller.abort(new Error('stop'));
      for (const i of range(100)) jobs.putNowait(i);
      await expect(call).rejects.toThrow('stop');
      expect(jobs.size).toBe(100);
      await expect(run(pool, t.consumeN, jobs, 100)).resolves.toEqual(range(100));
      await jobs.join();
    });

    it('is withdrawn when a timeout rejects: items put by the rejection handler stay in the queue', async () => {
      const pool = open();
      const jobs = new WatchedQueue<number>();
      await run(pool, t.sizeOf, jobs); // the worker is up and has loaded the task module
      const call = submit(pool, { task: t.getOne, args: [jobs], timeout: 200 });
      const putOnTimeout = call.then(
        () => 'resolved',
        (error: unknown) => {
          for (const i of range(100)) jobs.putNowait(i);
          return error;
        },
      );
      await expect(putOnTimeout).resolves.toBeInstanceOf(TimeoutError);
      // a later call on the same worker: everything the first one sent has arrived
      await run(pool, t.sizeOf, jobs);
      expect(jobs.size).toBe(100);
      await expect(run(pool, t.consumeN, jobs, 100)).resolves.toEqual(range(100));
      await jobs.join();
    });

    it('gives back an item handed to it in the same tick as the abort: the item returns to the front', async () => {
      const { pool, jobs, controller, call } = await waitingGet();
      jobs.putNowait(7); // handed to the waiting get at once
      jobs.putNowait(8);
      controller.abort(new Error('stop'));
      await expect(call).rejects.toThrow('stop');
      await run(pool, t.sizeOf, jobs); // a round trip: the owner has handled the withdrawal
      expect([jobs.getNowait(), jobs.getNowait()]).toEqual([7, 8]);
      jobs.taskDone();
      jobs.taskDone();
      await jobs.join();
    });
  });
}
