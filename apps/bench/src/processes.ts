// @par/processes against the peers' child-process modes, all with 2 processes:
// - a burst of 20k tiny tasks submitted at once (ProcessPool#run), beside
//   tinypool's `runtime: 'child_process'` and workerpool's `workerType: 'process'`;
// - map over 1M tiny items (ProcessPool#map, Python's default chunk size) beside
//   Python's multiprocessing.Pool.map;
// - the start-up time of a pool of 2 (until both processes answered a call), with
//   and without the code cache of our child entry.
// Python's figures come from python/pool_bench.py, run in every round like the others.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProcessPool, tasks } from '@par/processes';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { distinctPids, squares } from './checks.js';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, NO_PYTHON, pythonRow, runPoolBench } from './python.js';
import { sized } from './scale.js';

const require = createRequire(import.meta.url);
const BURST = sized(20_000);
const ITEMS = sized(1_000_000);
const WORKERS = 2;

// Task modules live in a temporary folder as plain JavaScript, so that no
// contender's children need a TypeScript loader.
const dir = mkdtempSync(join(tmpdir(), 'par-bench-processes-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const parModule = join(dir, 'par-tasks.mjs');
writeFileSync(
  parModule,
  'export const square = (x) => x * x;\nexport const pid = () => process.pid;\n',
);
const tinyModule = join(dir, 'tiny-task.mjs');
writeFileSync(tinyModule, 'export default (x) => x * x;\n');
const tinyPidModule = join(dir, 'tiny-pid.mjs');
writeFileSync(tinyPidModule, 'export default () => process.pid;\n');
// apart from the tasks the start-up scenario times, so that they import nothing more
const cacheStateModule = join(dir, 'par-code-cache-state.mjs');
writeFileSync(
  cacheStateModule,
  '// what the child did with the code cache of its entry (its main module exports it)\n' +
    'export const codeCacheState = () => process.mainModule?.exports.codeCache;\n',
);
const workerpoolScript = join(dir, 'workerpool-worker.cjs');
writeFileSync(
  workerpoolScript,
  `const workerpool = require(${JSON.stringify(require.resolve('workerpool'))});\n` +
    'workerpool.worker({ square: (x) => x * x, pid: () => process.pid });\n',
);

const PY_MAP = pythonRow('multiprocessing.Pool(2).map');
const STARTUP_PAR = '@par/processes ProcessPool (execArgv: [])';

const t = tasks<{ square: (x: number) => number; pid: () => number }>(pathToFileURL(parModule));

// ---- Python (one run of pool_bench.py per round) ----------------------------
function pythonContender(name: string, mode: 'map' | 'burst' | 'startup', n?: number): Contender {
  const contender: Contender = {
    name,
    setup() {
      if (findPython() === null) contender.unavailable = NO_PYTHON;
    },
    run: () => runPoolBench(mode, n),
  };
  return contender;
}

// ---- burst -----------------------------------------------------------------
function burstContenders(): Contender[] {
  let par: ProcessPool | undefined;
  let tiny: Tinypool | undefined;
  let wp: ReturnType<typeof workerpool.pool> | undefined;
  const inputs = Array.from({ length: BURST }, (_, i) => i);
  return [
    {
      name: '@par/processes ProcessPool.run',
      ours: true,
      async setup() {
        par = new ProcessPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
        await Promise.all(inputs.slice(0, 100).map((i) => par?.run(t.square, i)));
      },
      async run() {
        const pool = par as ProcessPool;
        return { output: await Promise.all(inputs.map((i) => pool.run(t.square, i))) };
      },
      teardown: () => par?.close(),
    },
    {
      name: "tinypool (runtime: 'child_process')",
      async setup() {
        tiny = new Tinypool({
          filename: tinyModule,
          runtime: 'child_process',
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await Promise.all(inputs.slice(0, 100).map((i) => tiny?.run(i)));
      },
      async run() {
        const pool = tiny as Tinypool;
        return { output: await Promise.all(inputs.map((i) => pool.run(i) as Promise<number>)) };
      },
      teardown: () => tiny?.destroy(),
    },
    {
      name: "workerpool (workerType: 'process')",
      async setup() {
        wp = workerpool.pool(workerpoolScript, {
          workerType: 'process',
          minWorkers: WORKERS,
          maxWorkers: WORKERS,
        });
        await Promise.all(inputs.slice(0, 100).map((i) => wp?.exec('square', [i])));
      },
      async run() {
        const pool = wp as ReturnType<typeof workerpool.pool>;
        return { output: await Promise.all(inputs.map((i) => pool.exec('square', [i]))) };
      },
      teardown: async () => {
        await wp?.terminate();
      },
    },
    pythonContender(pythonRow('multiprocessing.Pool(2).apply_async'), 'burst', BURST),
  ];
}

// ---- map -------------------------------------------------------------------
function mapContenders(): Contender[] {
  let par: ProcessPool | undefined;
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  return [
    {
      name: '@par/processes ProcessPool.map',
      ours: true,
      async setup() {
        par = new ProcessPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
        await par.map(t.square, items.slice(0, 1000));
      },
      async run() {
        return { output: await (par as ProcessPool).map(t.square, items) };
      },
      teardown: () => par?.close(),
    },
    pythonContender(PY_MAP, 'map', ITEMS),
  ];
}

// ---- start-up --------------------------------------------------------------
// two calls at once: every pool here starts a second worker for the second call

const cacheState = tasks<{ codeCacheState: () => string | undefined }>(
  pathToFileURL(cacheStateModule),
);

/**
 * Makes sure the code cache of our child entry is there: a child that found none
 * writes it once it answered its first call, before it reads its next message (as
 * Python's start-up reads the .pyc files its first run wrote, every run of a program
 * after its first finds it).
 */
async function primeCodeCache(): Promise<void> {
  const states: unknown[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const pool = new ProcessPool({ maxWorkers: 1, execArgv: [] });
    try {
      const state = await pool.run(cacheState.codeCacheState);
      if (state === 'hit') return;
      states.push(state);
      // a second call: the child wrote the cache before it ran this one
      await pool.run(cacheState.codeCacheState);
    } finally {
      await pool.terminate();
    }
  }
  throw new Error(
    `processes.startup: no child found the code cache of its entry (they reported ${states.join(', ')}); is the temporary directory writable?`,
  );
}
async function both<T>(call: () => Promise<T>): Promise<T[]> {
  return Promise.all([call(), call()]);
}

function startupContenders(): Contender[] {
  const timed = async (body: () => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    const output = await body();
    return { output, figure: Number(process.hrtime.bigint() - start) / 1e6 };
  };
  const par = (
    name: string,
    execArgv?: string[],
    env?: Record<string, string | undefined>,
  ): Contender => ({
    name,
    ours: true,
    run: async () => {
      let pool: ProcessPool | undefined;
      const outcome = await timed(async () => {
        pool = new ProcessPool({
          maxWorkers: WORKERS,
          ...(execArgv ? { execArgv } : {}),
          ...(env ? { env } : {}),
        });
        return both(() => (pool as ProcessPool).run(t.pid));
      });
      await pool?.terminate();
      return outcome;
    },
  });
  return [
    // first of ours: the table's ratio column compares the peers with it. Its children
    // find the code cache of our entry (primed below), as every run of a program after
    // its first does
    { ...par(STARTUP_PAR, []), setup: primeCodeCache },
    // and without it: a program's first run, or NODE_DISABLE_COMPILE_CACHE=1
    par(`${STARTUP_PAR.slice(0, -1)}, no code cache)`, [], {
      ...process.env,
      NODE_DISABLE_COMPILE_CACHE: '1',
    }),
    // children inherit the parent's execArgv by default: under `tsx` that is tsx's
    // loader, which every child then loads too
    par('@par/processes ProcessPool (inherited execArgv)'),
    {
      name: "tinypool (runtime: 'child_process')",
      run: async () => {
        let pool: Tinypool | undefined;
        const outcome = await timed(async () => {
          pool = new Tinypool({
            filename: tinyPidModule,
            runtime: 'child_process',
            minThreads: WORKERS,
            maxThreads: WORKERS,
          });
          return both(() => (pool as Tinypool).run(null));
        });
        await pool?.destroy();
        return outcome;
      },
    },
    {
      name: "workerpool (workerType: 'process')",
      run: async () => {
        let pool: ReturnType<typeof workerpool.pool> | undefined;
        const outcome = await timed(async () => {
          pool = workerpool.pool(workerpoolScript, {
            workerType: 'process',
            maxWorkers: WORKERS,
          });
          return both(() => (pool as ReturnType<typeof workerpool.pool>).exec('pid', []));
        });
        await pool?.terminate();
        return outcome;
      },
    },
    pythonContender(pythonRow('multiprocessing.Pool(2)'), 'startup'),
  ];
}

export const scenarios: Scenario[] = [
  {
    id: 'processes.burst',
    title: `${BURST / 1000}k tiny tasks submitted at once, ${WORKERS} processes`,
    unit: 'ops/s',
    ops: BURST,
    better: 'higher',
    check: squares(BURST),
    contenders: burstContenders(),
    bar: {
      description: '>= 2x the better of tinypool / workerpool (process modes)',
      check: (m) =>
        get(m, '@par/processes ProcessPool.run') >=
        2 *
          Math.max(
            get(m, "tinypool (runtime: 'child_process')"),
            get(m, "workerpool (workerType: 'process')"),
          ),
    },
  },
  {
    id: 'processes.map',
    title: `map over ${ITEMS / 1e6}M tiny items, ${WORKERS} processes`,
    unit: 'items/s',
    ops: ITEMS,
    better: 'higher',
    check: squares(ITEMS),
    contenders: mapContenders(),
    bar: {
      description: ">= Python's multiprocessing.Pool.map",
      check: (m) => get(m, '@par/processes ProcessPool.map') >= get(m, PY_MAP),
    },
  },
  {
    id: 'processes.startup',
    title: `start-up of a pool of ${WORKERS} processes (until both answered a call)`,
    unit: 'ms',
    better: 'lower',
    // a round is one pool start per contender (about 0.1 s each, half a second with
    // the inherited tsx loader): 11 rounds cost seconds, and the ratio of two medians
    // of 11 swings less with the machine's load than of 5
    rounds: 11,
    check: distinctPids(WORKERS),
    contenders: startupContenders(),
    bar: {
      description:
        "<= workerpool (process mode); @par with execArgv: [] like workerpool's children",
      check: (m) => get(m, STARTUP_PAR) <= get(m, "workerpool (workerType: 'process')"),
    },
  },
];
