// @par/cluster on one local Redis (a redis-server this run starts on a free port):
// - tiny calls through ClusterPool.run beside raw BullMQ (Queue.addBulk + a Worker
//   doing the same work, results through QueueEvents), both with their consumer in
//   this process (@par's on a ThreadPool of 1, BullMQ's on its event loop);
// - map over 1M tiny items (chunked jobs) end to end;
// - CPU-bound calls on one par-worker against two (par-worker processes, 1 thread
//   each): the speed-up, against its ideal on this machine's cores, beside what two
//   plain worker_threads get at the same time (the machine is shared).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClusterPool, startWorker, tasks } from '@par/cluster';
import { Worker as BullWorker, type Job, Queue, QueueEvents } from 'bullmq';
import { sequence, squares } from './checks.js';
import { type Contender, get, type Outcome, type Scenario } from './harness.js';
import { launchRedis } from './redis-server.js';
import { sized } from './scale.js';

const require = createRequire(import.meta.url);
const CALLS = sized(2000);
const ITEMS = sized(1_000_000);
const CPU_CALLS = sized(16);
const SPIN = 3_000_000;

const dir = mkdtempSync(join(tmpdir(), 'par-bench-cluster-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'tasks.mjs'),
  'export const square = (x) => x * x;\n' +
    'export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) % 1000003; return s; }\n',
);
const root = pathToFileURL(`${dir}/`);
const t = tasks<{ square: (x: number) => number; spin: (n: number) => number }>(
  new URL('./tasks.mjs', root),
);

// spin(SPIN) computed here once, to check the workers' results
let spun: number | undefined;
function spinHere(): number {
  if (spun === undefined) {
    let s = 0;
    for (let i = 0; i < SPIN; i++) s = (s + i * i) % 1000003;
    spun = s;
  }
  return spun;
}

let redis: Promise<{ url: string; child: ChildProcess } | null> | undefined;
function startRedis(): Promise<{ url: string; child: ChildProcess } | null> {
  redis ??= (async () => {
    const server = await launchRedis(dir);
    if (server === null) return null;
    // the server must not keep the benchmark alive: it stops when the run exits
    server.child.unref();
    process.once('exit', () => server.child.kill('SIGTERM'));
    return server;
  })();
  return redis;
}

let queues = 0;
/** A fresh queue name per contender, so that they never share jobs. */
const fresh = (name: string) => `${name}-${++queues}`;

/** Starts the consumers of `queue`; resolves to the function that stops them. */
type Consumers = (url: string, queue: string) => Promise<() => Promise<void>>;

/** One worker in this process: startWorker on a ThreadPool. */
const inProcess =
  (options: { threads: number; concurrency?: number }): Consumers =>
  async (url, queue) => {
    const worker = await startWorker({
      connection: url,
      queue,
      root,
      allow: ['tasks.mjs'],
      ...options,
    });
    return () => worker.close();
  };

/** A contender that runs `body` on a ClusterPool of a fresh queue served by `consumers`. */
function clusterContender(
  name: string,
  consumers: Consumers,
  body: (pool: ClusterPool) => Promise<unknown>,
): Contender {
  let stop: (() => Promise<void>) | undefined;
  let pool: ClusterPool | undefined;
  const contender: Contender = {
    name,
    ours: true,
    async setup() {
      const r = await startRedis();
      if (r === null) {
        contender.unavailable = 'no redis-server';
        return;
      }
      const queue = fresh('par');
      stop = await consumers(r.url, queue);
      pool = new ClusterPool({ connection: r.url, queue, root });
    },
    async run() {
      if (pool === undefined) return null;
      return { output: await body(pool) };
    },
    async teardown() {
      await pool?.close();
      await stop?.();
    },
  };
  return contender;
}

const parRun = () =>
  clusterContender(
    '@par/cluster ClusterPool.run',
    inProcess({ threads: 1, concurrency: 64 }),
    (pool) => {
      const calls: Promise<number>[] = [];
      for (let i = 0; i < CALLS; i++) calls.push(pool.run(t.square, i));
      return Promise.all(calls);
    },
  );

/**
 * The job options ClusterPool gives every job with its defaults (attempts 3,
 * exponential backoff from 1 s, completed jobs removed, the last 1000 failed ones
 * kept): raw BullMQ's jobs carry the same, so both store, read and parse the same
 * options per job.
 */
const SAME_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
} as const;

function rawBullmq(): Contender {
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let worker: BullWorker | undefined;
  // results through QueueEvents, as ClusterPool gets them (job.waitUntilFinished
  // races with removeOnComplete)
  // job id -> the index of its result in `results`
  let waiting = new Map<string, number>();
  let results: unknown[] = [];
  let done: (() => void) | undefined;
  const contender: Contender = {
    name: 'BullMQ (Queue.addBulk + Worker + QueueEvents)',
    async setup() {
      const r = await startRedis();
      if (r === null) {
        contender.unavailable = 'no redis-server';
        return;
      }
      const name = fresh('raw');
      const connection = { url: r.url, maxRetriesPerRequest: null };
      queue = new Queue(name, { connection });
      events = new QueueEvents(name, { connection });
      events.on('completed', ({ jobId, returnvalue }) => {
        const index = waiting.get(jobId);
        if (index === undefined) return;
        waiting.delete(jobId);
        results[index] = returnvalue;
        if (waiting.size === 0) done?.();
      });
      await events.waitUntilReady();
      worker = new BullWorker(name, async (job: Job) => (job.data.x as number) ** 2, {
        connection,
        concurrency: 64,
      });
      await worker.waitUntilReady();
    },
    async run() {
      if (queue === undefined) return null;
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      const ids = Array.from({ length: CALLS }, (_, i) => `${queues}-${Date.now()}-${i}`);
      waiting = new Map(ids.map((id, i) => [id, i]));
      results = new Array(CALLS);
      await queue.addBulk(
        ids.map((jobId, i) => ({
          name: 'square',
          data: { x: i },
          opts: { jobId, ...SAME_JOB_OPTIONS },
        })),
      );
      await finished;
      return { output: results };
    },
    async teardown() {
      await worker?.close();
      await events?.close();
      await queue?.close();
    },
  };
  return contender;
}

const items = Array.from({ length: ITEMS }, (_, i) => i);
const parMap = () =>
  clusterContender('@par/cluster ClusterPool.map', inProcess({ threads: 2 }), (pool) =>
    pool.map(t.square, items),
  );

const bin = require.resolve('@par/cluster/package.json').replace(/package\.json$/, 'dist/bin.js');

/** `n` par-worker processes of one thread each. */
const processes =
  (n: number): Consumers =>
  async (url, queue) => {
    const children: ChildProcess[] = [];
    for (let i = 0; i < n; i++) {
      const child = spawn(
        process.execPath,
        [bin, '--redis', url, '--queue', queue, '--root', dir, '--allow', 'tasks.mjs'].concat([
          '--threads',
          '1',
        ]),
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      await new Promise<void>((resolve) => {
        let out = '';
        child.stdout?.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('par-worker ready')) resolve();
        });
      });
    }
    return async () => {
      for (const child of children) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    };
  };

/** Starts `consumers` on a fresh queue and a ClusterPool of it; resolves to both. */
async function servedPool(
  consumers: Consumers,
): Promise<{ pool: ClusterPool; stop: () => Promise<void> } | null> {
  const r = await startRedis();
  if (r === null) return null;
  const queue = fresh('par');
  const stop = await consumers(r.url, queue);
  return { pool: new ClusterPool({ connection: r.url, queue, root }), stop };
}

const spinCalls = async (pool: ClusterPool): Promise<number[]> => {
  const calls: Promise<number>[] = [];
  for (let i = 0; i < CPU_CALLS; i++) calls.push(pool.run(t.spin, SPIN));
  return Promise.all(calls);
};

/**
 * The speed-up of two par-workers (1 thread each) over one, both timed in the same
 * run: CPU_CALLS calls on one, on two, on two again, then on one. Its ideal is the cores the two workers
 * can have: while the calls spin, Redis and the producer only move CPU_CALLS jobs
 * (well under 1% of a core), so on 2 cores both workers can spin at once.
 */
function cpuSpeedUp(): Contender {
  let one: { pool: ClusterPool; stop: () => Promise<void> } | null = null;
  let two: { pool: ClusterPool; stop: () => Promise<void> } | null = null;
  const contender: Contender = {
    name: '@par/cluster, 2 par-workers over 1 (speed-up, 1 thread each)',
    ours: true,
    async setup() {
      one = await servedPool(processes(1));
      two = await servedPool(processes(2));
      if (one === null || two === null) contender.unavailable = 'no redis-server';
    },
    async run() {
      if (one === null || two === null) return null;
      return speedUpOfTwo(one, two, (served) => spinCalls(served.pool));
    },
    async teardown() {
      for (const served of [one, two]) {
        await served?.pool.close();
        await served?.stop();
      }
    },
  };
  return contender;
}

/**
 * Times `spin` on one worker set, then two, two, one (a drift of the machine's load
 * during the run weighs on both) and gives the speed-up of two over one; the output
 * is every call's result, in that order.
 */
async function speedUpOfTwo<T>(
  one: T,
  two: T,
  spin: (workers: T) => Promise<number[]>,
): Promise<Outcome> {
  const times = { one: 0, two: 0 };
  const output: number[] = [];
  for (const [name, workers] of [
    ['one', one],
    ['two', two],
    ['two', two],
    ['one', one],
  ] as const) {
    const start = performance.now();
    output.push(...(await spin(workers)));
    times[name] += performance.now() - start;
  }
  return { output, figure: times.one / times.two };
}

const SPIN_WORKER = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
  parentPort.postMessage(s);
});`;

/** Runs spin(SPIN) `calls` times on `threads`, each taking the next call when done. */
async function spinOnThreads(threads: Worker[], calls: number): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  await Promise.all(
    threads.map(async (thread) => {
      while (next < calls) {
        next++;
        out.push(
          await new Promise<number>((resolve) => {
            thread.once('message', resolve);
            thread.postMessage(SPIN);
          }),
        );
      }
    }),
  );
  return out;
}

/**
 * The same speed-up with plain worker_threads in this process and no Redis: what
 * the machine gives two spinning threads at the moment (its other load included).
 */
function threadsSpeedUp(): Contender {
  let threads: Worker[] = [];
  return {
    name: 'node:worker_threads, 2 over 1 (what the machine gives now, no Redis)',
    setup() {
      threads = [0, 1].map(() => new Worker(SPIN_WORKER, { eval: true }));
    },
    async run() {
      return speedUpOfTwo(threads.slice(0, 1), threads, (set) => spinOnThreads(set, CPU_CALLS));
    },
    async teardown() {
      await Promise.all(threads.map((thread) => thread.terminate()));
    },
  };
}

/** Cores two single-thread workers can use at once here. */
const CPU_IDEAL = Math.min(2, availableParallelism());

export const scenarios: Scenario[] = [
  {
    id: 'cluster-run',
    title: `${CALLS} tiny calls through Redis (consumer in the same process)`,
    unit: 'ops/s',
    ops: CALLS,
    better: 'higher',
    check: squares(CALLS),
    // more rounds than the default, for both contenders alike: on a shared machine a
    // round's figure swings by 2x (rounds of about half a second each), and the
    // ratio of the medians of 9 rounds still moved by ±0.15 from run to run
    rounds: 15,
    contenders: [parRun(), rawBullmq()],
    bar: {
      description: 'overhead <= 10% against raw BullMQ',
      check: (m) =>
        get(m, '@par/cluster ClusterPool.run') >=
        0.9 * get(m, 'BullMQ (Queue.addBulk + Worker + QueueEvents)'),
    },
  },
  {
    id: 'cluster-map',
    title: `map over ${ITEMS / 1e6}M tiny items through Redis (par-worker of 2 threads in-process)`,
    unit: 'items/s',
    ops: ITEMS,
    better: 'higher',
    check: squares(ITEMS),
    contenders: [parMap()],
    bar: {
      description: '>= 1M items/s end to end',
      check: (m) => get(m, '@par/cluster ClusterPool.map') >= 1_000_000,
    },
  },
  {
    id: 'cluster-cpu',
    title: `${CPU_CALLS} CPU-bound calls (spin ${SPIN / 1e6}M): speed-up of 2 par-workers over 1 (ideal ${CPU_IDEAL}x: ${availableParallelism()} cores, Redis and the producer idle while the calls spin; other load on the machine takes from it)`,
    unit: 'x',
    better: 'higher',
    ideal: CPU_IDEAL,
    check: sequence(4 * CPU_CALLS, spinHere, `spin(${SPIN}) ${4 * CPU_CALLS} times`),
    contenders: [cpuSpeedUp(), threadsSpeedUp()],
  },
];
