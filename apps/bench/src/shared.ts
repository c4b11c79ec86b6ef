// Shared-memory primitives of @par/threads, measured inside worker threads.
// - shared-lock: two pool workers each do lock-protected read-modify-write
//   increments on one shared counter; @par's Lock against a minimal hand-written
//   futex mutex on Atomics (the floor any lock on SharedArrayBuffer can reach)
//   and against no lock at all with Atomics.add (the cost of the memory traffic).
// - shared-event-pingpong: a round trip between the main thread and a worker
//   through two @par Events against the same ping-pong on raw Atomics.
import { Event, Lock, sharedArray, ThreadPool } from '@par/threads';
import { equals } from './checks.js';
import { type Contender, get, type Scenario } from './harness.js';
import { sized } from './scale.js';

const INCREMENTS = sized(1_000_000);
const WORKERS = 2;

// Every contender runs on the same two worker threads: threads of separate pools can
// land on the cores differently (sharing one core or not), which changes how often
// the two contend far more than any lock does.
let lockPool: ThreadPool | undefined;
let lockPoolUsers = 0;

function lockContender(
  name: string,
  task: (lock: Lock, counter: Int32Array, n: number) => void,
  ours: boolean,
): Contender {
  return {
    name,
    ours,
    async setup() {
      lockPoolUsers++;
      lockPool ??= new ThreadPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
      const pool = lockPool;
      // start both workers and compile the task once
      await Promise.all(
        [0, 1].map(() => pool.run(task, new Lock(), sharedArray(Int32Array, 2), 1)),
      );
    },
    async run() {
      const pool = lockPool as ThreadPool;
      const lock = new Lock();
      const counter = sharedArray(Int32Array, 2);
      const start = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: WORKERS }, () => pool.run(task, lock, counter, INCREMENTS)),
      );
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // a lost update shows as a counter below WORKERS × INCREMENTS
      return { output: counter[0], figure: (WORKERS * INCREMENTS) / seconds };
    },
    async teardown() {
      if (--lockPoolUsers > 0) return;
      const pool = lockPool;
      lockPool = undefined;
      await pool?.close();
    },
  };
}

// self-contained functions: they are shipped to the workers as source
const withParLock = (lock: Lock, counter: Int32Array, n: number): void => {
  for (let i = 0; i < n; i++) {
    lock.acquire();
    const v = counter[0] as number;
    counter[0] = v + 1;
    lock.release();
  }
};

const withRawFutex = (_lock: Lock, counter: Int32Array, n: number): void => {
  // counter[1] is the mutex word: 0 free, 1 locked, 2 locked with waiters
  for (let i = 0; i < n; i++) {
    let c = Atomics.compareExchange(counter, 1, 0, 1);
    if (c !== 0) {
      if (c !== 2) c = Atomics.exchange(counter, 1, 2);
      while (c !== 0) {
        Atomics.wait(counter, 1, 2);
        c = Atomics.exchange(counter, 1, 2);
      }
    }
    const v = counter[0] as number;
    counter[0] = v + 1;
    if (Atomics.sub(counter, 1, 1) !== 1) {
      Atomics.store(counter, 1, 0);
      Atomics.notify(counter, 1, 1);
    }
  }
};

const withAtomicsAdd = (_lock: Lock, counter: Int32Array, n: number): void => {
  for (let i = 0; i < n; i++) Atomics.add(counter, 0, 1);
};

const ROUND_TRIPS = sized(5_000);

function pingPong(): Contender[] {
  let pool: ThreadPool | undefined;
  const setup = async () => {
    pool = new ThreadPool({ maxWorkers: 1, minWorkers: 1 });
    await pool.run(() => 0);
  };
  const teardown = async () => {
    await pool?.close();
  };
  return [
    {
      name: '@par/threads Event',
      ours: true,
      setup,
      teardown,
      async run() {
        const ping = new Event();
        const pong = new Event();
        const echo = pool?.run(
          (ping: Event, pong: Event, n: number) => {
            let done = 0;
            for (let i = 0; i < n; i++) {
              ping.wait();
              ping.clear();
              pong.set();
              done++;
            }
            return done;
          },
          ping,
          pong,
          ROUND_TRIPS,
        );
        const start = process.hrtime.bigint();
        for (let i = 0; i < ROUND_TRIPS; i++) {
          ping.set();
          await pong.wait();
          pong.clear();
        }
        const micros = Number(process.hrtime.bigint() - start) / 1e3 / ROUND_TRIPS;
        // the worker counts the pings it answered
        return { output: await echo, figure: micros };
      },
    },
    {
      name: 'raw Atomics.waitAsync',
      setup,
      teardown,
      async run() {
        const words = sharedArray(Int32Array, 2); // [ping, pong] sequence numbers
        const echo = pool?.run(
          (words: Int32Array, n: number) => {
            let done = 0;
            for (let i = 1; i <= n; i++) {
              Atomics.wait(words, 0, i - 1);
              Atomics.store(words, 1, i);
              Atomics.notify(words, 1);
              done++;
            }
            return done;
          },
          words,
          ROUND_TRIPS,
        );
        const start = process.hrtime.bigint();
        for (let i = 1; i <= ROUND_TRIPS; i++) {
          Atomics.store(words, 0, i);
          Atomics.notify(words, 0);
          const waited = (
            Atomics as unknown as {
              waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown };
            }
          ).waitAsync(words, 1, i - 1);
          if (waited.async) await waited.value;
        }
        const micros = Number(process.hrtime.bigint() - start) / 1e3 / ROUND_TRIPS;
        return { output: await echo, figure: micros };
      },
    },
  ];
}

export const scenarios: Scenario[] = [
  {
    id: 'shared-lock',
    title: `Lock-protected increments, ${WORKERS} worker threads × ${INCREMENTS / 1000}k`,
    unit: 'ops/s',
    better: 'higher',
    rounds: 9,
    check: equals(WORKERS * INCREMENTS, `a counter of ${WORKERS * INCREMENTS} (no lost update)`),
    contenders: [
      lockContender('@par/threads Lock', withParLock, true),
      lockContender('hand-written Atomics futex mutex', withRawFutex, false),
      lockContender('Atomics.add (no lock)', withAtomicsAdd, false),
    ],
    bar: {
      description: '>= 0.8x the hand-written Atomics futex mutex',
      check: (m) => get(m, '@par/threads Lock') >= 0.8 * get(m, 'hand-written Atomics futex mutex'),
    },
  },
  {
    id: 'shared-event-pingpong',
    title: 'Main thread ↔ worker round trip through shared memory',
    unit: 'µs',
    better: 'lower',
    rounds: 5,
    check: equals(ROUND_TRIPS, `${ROUND_TRIPS} round trips answered`),
    contenders: pingPong(),
  },
];
