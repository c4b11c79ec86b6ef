// The demo's sections, one per Python idiom. Each takes a `print` function and
// returns when its work is done, so the tour and its test share the same code.
import { asCompleted, gather, limit, sleep, TimeoutError, timeout } from '@par/async';
import { Process, ProcessPool, WorkerCrashedError } from '@par/processes';
import { Queue } from '@par/queue';
import { Lock, Thread, ThreadPool, ThreadPoolExecutor, tasks, Value } from '@par/threads';

const t = tasks(new URL('./tasks.mjs', import.meta.url));

const check = (ok, message) => {
  if (!ok) throw new Error(`demo check failed: ${message}`);
};

/** @typedef {{ id: string, title: string, run: (print: (line: string) => void) => Promise<void> }} Section */

/** @type {Section[]} */
export const sections = [
  {
    id: 'async',
    title: 'asyncio: gather, a concurrency limit and a deadline',
    async run(print) {
      // ten "downloads" of 20 ms each, at most 5 at a time: about 40 ms, not 200
      const fetchLimit = limit(5);
      const pages = await gather(
        Array.from({ length: 10 }, (_, i) => fetchLimit(() => sleep(20, `page ${i}`))),
      );
      print(
        `gather + limit(5): ${pages.length} pages, first "${pages[0]}", last "${pages.at(-1)}"`,
      );
      check(pages[9] === 'page 9', 'gather keeps input order');

      const error = await timeout(30, sleep(1_000)).catch((e) => e);
      print(`timeout(30, sleep(1000)) rejected with ${error.name} (${error.code})`);
      check(error instanceof TimeoutError, 'timeout rejects with TimeoutError');
    },
  },
  {
    id: 'queue',
    title: 'queue: worker consumers, q.join() and shutdown',
    async run(print) {
      const q = new Queue({ maxsize: 3 });
      const done = [];
      const worker = async (name) => {
        for await (const job of q) {
          await sleep(2);
          done.push(`${name}:${job}`);
        }
      };
      const workers = [worker('w1'), worker('w2')];
      for (let job = 1; job <= 8; job++) await q.put(job); // waits while 3 are queued
      await q.join(); // every job marked done
      q.shutdown();
      await Promise.all(workers);
      print(`2 consumers drained 8 jobs through a queue of 3: ${done.join(' ')}`);
      check(done.length === 8, 'every job consumed once');
    },
  },
  {
    id: 'threads',
    title: 'threading / multiprocessing.Pool on worker threads',
    async run(print) {
      const pool = new ThreadPool({ maxWorkers: 2 });
      try {
        // Python: with Pool(4) as p: p.map(square, range(10))
        const squares = await pool.map(
          t.square,
          Array.from({ length: 10 }, (_, i) => i),
        );
        print(`pool.map(square, range(10)) = [${squares.join(', ')}]`);
        check(squares[9] === 81, 'map keeps order');

        const primes = await pool.map(t.countPrimes, [20_000, 40_000, 60_000, 80_000]);
        print(`CPU-bound countPrimes on 2 threads: [${primes.join(', ')}]`);

        // shared memory: two workers increment one counter under one Lock
        const lock = new Lock();
        const counter = new Value('i32', 0);
        await Promise.all([
          pool.run(t.addUnderLock, lock, counter, 5_000),
          pool.run(t.addUnderLock, lock, counter, 5_000),
        ]);
        print(`two threads × 5000 increments under a shared Lock: counter = ${counter.value}`);
        check(counter.value === 10_000, 'no increment lost under the lock');

        const stats = pool.stats();
        print(
          `stats: ${stats.completed} completed, ${stats.workers} workers, utilization ${(stats.utilization * 100).toFixed(0)}%`,
        );
      } finally {
        await pool.close();
      }

      // concurrent.futures: submit + as_completed
      const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
      try {
        const futures = [3, 1, 2].map((n) => executor.submit(t.square, n));
        const seen = [];
        for await (const value of asCompleted(futures)) seen.push(value);
        print(`executor.submit + asCompleted: ${seen.sort((a, b) => a - b).join(', ')}`);
      } finally {
        await executor.shutdown();
      }

      // threading.Thread: start / join
      const thread = new Thread(t.square, { args: [12], name: 'demo-thread' });
      thread.start();
      print(`Thread(square, args=[12]).start(); join() -> ${await thread.join()}`);
    },
  },
  {
    id: 'processes',
    title: 'multiprocessing: processes for isolation',
    async run(print) {
      const proc = new Process(t.exitWith, { args: [7] });
      proc.start();
      const code = await proc.join();
      print(`Process(exitWith, args=[7]): pid ${proc.pid}, exitCode ${code}`);
      check(code === 7, 'exit code reaches the parent');

      const pool = new ProcessPool({ maxWorkers: 2 });
      try {
        print(
          `ProcessPool.map(square, [1..5]) = [${(await pool.map(t.square, [1, 2, 3, 4, 5])).join(', ')}]`,
        );
        // Python's Pool hangs forever when a worker dies; ours rejects that call and goes on
        const crash = await pool.run(t.crash).catch((e) => e);
        print(`a task that kills its process: ${crash.name} (exit code ${crash.exitCode})`);
        check(crash instanceof WorkerCrashedError, 'crash is a WorkerCrashedError');
        print(`…and the pool goes on: square(9) = ${await pool.run(t.square, 9)}`);
      } finally {
        await pool.close();
      }
    },
  },
];
