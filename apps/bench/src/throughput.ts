// Throughput of `run` across task sizes: tasks that busy-wait an exact duration
// (0, 50 µs, 500 µs, 5 ms) submitted at once, on 2 workers, for both pools against
// the peers (thread modes for ThreadPool; process modes for ProcessPool), and as a
// fraction of the ideal (workers ÷ task time). The busy-wait is measured on the
// wall clock, so a task takes its duration even when the machine is busy and the
// ideal stays the ideal.
//
// The engine has no option to switch batching off. The "1 call in flight per
// worker" rows switch it off from the caller's side: as many loops as workers, each
// awaiting its call before sending the next, so a worker never holds a second call.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProcessPool, tasks as processTasks } from '@par/processes';
import { ThreadPool, tasks as threadTasks } from '@par/threads';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { identity } from './checks.js';
import type { Contender, Scenario } from './harness.js';
import { sized } from './scale.js';
import { warmupRounds } from './warmup.js';

const require = createRequire(import.meta.url);
const WORKERS = 2;

/** Task sizes in µs and how many tasks one run submits (about 0.25–0.5 s of ideal work). */
export const SIZES = [
  { us: 0, tasks: sized(10_000) },
  { us: 50, tasks: sized(10_000) },
  { us: 500, tasks: sized(1_000) },
  { us: 5000, tasks: sized(200) },
] as const;

const dir = mkdtempSync(join(tmpdir(), 'par-bench-throughput-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
// spin(us, x): busy-waits `us` microseconds of wall-clock time, then returns x
const spinSource =
  '(us, x) => { if (us > 0) { const end = performance.now() + us / 1000; while (performance.now() < end); } return x; }';
const parModule = join(dir, 'par-spin.mjs');
writeFileSync(parModule, `export const spin = ${spinSource};\n`);
const peerModule = join(dir, 'peer-spin.mjs');
writeFileSync(
  peerModule,
  `const spin = ${spinSource};\nexport default ([us, x]) => spin(us, x);\n`,
);
const workerpoolScript = join(dir, 'workerpool-spin.cjs');
writeFileSync(
  workerpoolScript,
  `const workerpool = require(${JSON.stringify(require.resolve('workerpool'))});\n` +
    `workerpool.worker({ spin: ${spinSource} });\n`,
);

type Spin = { spin: (us: number, x: number) => number };
const threadTask = threadTasks<Spin>(pathToFileURL(parModule)).spin;
const processTask = processTasks<Spin>(pathToFileURL(parModule)).spin;

/** A started pool: one call, and how to stop it. */
interface Pool {
  call(us: number, x: number): Promise<number>;
  stop(): Promise<unknown>;
}

/** All `n` calls submitted at once. */
async function burst(pool: Pool, us: number, n: number): Promise<number[]> {
  const calls = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) calls[i] = pool.call(us, i);
  return Promise.all(calls);
}

/** One call in flight per worker: `WORKERS` loops, each awaiting its call. */
async function window(pool: Pool, us: number, n: number): Promise<number[]> {
  const out = new Array<number>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await pool.call(us, i);
      }
    }),
  );
  return out;
}

function contender(
  name: string,
  start: () => Promise<Pool>,
  us: number,
  n: number,
  submit: typeof burst = burst,
  ours = false,
): Contender {
  let pool: Pool | undefined;
  return {
    name,
    ours,
    async setup() {
      pool = await start();
      await Promise.all([pool.call(0, 0), pool.call(0, 1)]); // both workers up
    },
    run: async () => ({ output: await submit(pool as Pool, us, n) }),
    teardown: async () => {
      await pool?.stop();
    },
  };
}

const parThreads = async (): Promise<Pool> => {
  const pool = new ThreadPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
  return { call: (us, x) => pool.run(threadTask, us, x), stop: () => pool.close() };
};
const parProcesses = async (): Promise<Pool> => {
  const pool = new ProcessPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
  return { call: (us, x) => pool.run(processTask, us, x), stop: () => pool.close() };
};
const piscina = async (): Promise<Pool> => {
  const pool = new Piscina({
    filename: pathToFileURL(peerModule).href,
    minThreads: WORKERS,
    maxThreads: WORKERS,
  });
  return { call: (us, x) => pool.run([us, x]) as Promise<number>, stop: () => pool.destroy() };
};
const tinypool = (runtime: 'worker_threads' | 'child_process') => async (): Promise<Pool> => {
  const pool = new Tinypool({
    filename: pathToFileURL(peerModule).href,
    runtime,
    minThreads: WORKERS,
    maxThreads: WORKERS,
  });
  return { call: (us, x) => pool.run([us, x]) as Promise<number>, stop: () => pool.destroy() };
};
const workerpoolOf = (workerType: 'thread' | 'process') => async (): Promise<Pool> => {
  const pool = workerpool.pool(workerpoolScript, {
    minWorkers: WORKERS,
    maxWorkers: WORKERS,
    workerType,
  });
  return {
    call: (us, x) => pool.exec('spin', [us, x]) as unknown as Promise<number>,
    stop: async () => {
      await pool.terminate();
    },
  };
};

/** The row names, for bars and tests. */
export const THREADS_RUN = '@par/threads ThreadPool.run';
export const PROCESSES_RUN = '@par/processes ProcessPool.run';
const ONE_IN_FLIGHT = ', 1 call in flight per worker';

const sizeLabel = (us: number): string =>
  us === 0 ? '0 µs (empty)' : us < 1000 ? `${us} µs` : `${us / 1000} ms`;

function scenario(
  kind: 'threads' | 'processes',
  size: (typeof SIZES)[number],
  rows: Contender[],
  ours: string,
): Scenario {
  const { us, tasks } = size;
  const ideal = us > 0 ? (WORKERS * 1e6) / us : undefined;
  const peers = rows.filter((r) => !r.ours).map((r) => r.name);
  return {
    id: `${kind}-throughput-${us}us`,
    title: `${tasks.toLocaleString('en')} tasks of ${sizeLabel(us)} submitted at once, ${WORKERS} ${kind === 'threads' ? 'threads' : 'processes'}${ideal !== undefined ? ` (ideal ${Math.round(ideal).toLocaleString('en')}/s)` : ''}`,
    unit: 'ops/s',
    ops: tasks,
    better: 'higher',
    // the median of five measured rounds is steadier than of three
    warmup: warmupRounds(tasks),
    rounds: 5,
    check: identity(tasks),
    contenders: rows,
    ...(ideal !== undefined ? { ideal } : {}),
    bar: {
      description:
        us >= 500 ? '>= every peer and >= 95% of ideal' : '>= every peer (never behind a peer)',
      check: (m) => {
        const figure = m.get(ours) ?? Number.NaN;
        const behind = peers.some((p) => (m.get(p) ?? 0) > figure);
        return !behind && !(us >= 500 && !(figure >= 0.95 * (ideal as number)));
      },
    },
  };
}

export const scenarios: Scenario[] = [
  ...SIZES.map((size) =>
    scenario(
      'threads',
      size,
      [
        contender(THREADS_RUN, parThreads, size.us, size.tasks, burst, true),
        contender(`${THREADS_RUN}${ONE_IN_FLIGHT}`, parThreads, size.us, size.tasks, window, true),
        contender('piscina', piscina, size.us, size.tasks),
        contender('tinypool', tinypool('worker_threads'), size.us, size.tasks),
        contender('workerpool', workerpoolOf('thread'), size.us, size.tasks),
      ],
      THREADS_RUN,
    ),
  ),
  ...SIZES.map((size) =>
    scenario(
      'processes',
      size,
      [
        contender(PROCESSES_RUN, parProcesses, size.us, size.tasks, burst, true),
        contender(
          `${PROCESSES_RUN}${ONE_IN_FLIGHT}`,
          parProcesses,
          size.us,
          size.tasks,
          window,
          true,
        ),
        contender(
          "tinypool (runtime: 'child_process')",
          tinypool('child_process'),
          size.us,
          size.tasks,
        ),
        contender(
          "workerpool (workerType: 'process')",
          workerpoolOf('process'),
          size.us,
          size.tasks,
        ),
      ],
      PROCESSES_RUN,
    ),
  ),
];
