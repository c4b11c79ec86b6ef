// @par/processes against the peers' child-process modes, all with 2 processes:
// - a burst of 20k tiny tasks submitted at once (ProcessPool#run), beside
//   tinypool's `runtime: 'child_process'` and workerpool's `workerType: 'process'`;
// - map over 1M tiny items (ProcessPool#map, Python's default chunk size) beside
//   Python's multiprocessing.Pool.map;
// - the start-up time of a pool of 2 (until both processes answered a call).
// Python's figures come from python/processes_bench.py, run once per scenario.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProcessPool, tasks } from '@par/processes';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, runPythonJson } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const BURST = 20_000;
const ITEMS = 1_000_000;
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
const workerpoolScript = join(dir, 'workerpool-worker.cjs');
writeFileSync(
  workerpoolScript,
  `const workerpool = require(${JSON.stringify(require.resolve('workerpool'))});\n` +
    'workerpool.worker({ square: (x) => x * x, pid: () => process.pid });\n',
);

const t = tasks<{ square: (x: number) => number; pid: () => number }>(pathToFileURL(parModule));

let sink = 0;

// ---- Python (one run of the script gives all three figures) -----------------
let pythonFigures: Promise<Record<string, number> | null> | undefined;
function python(): Promise<Record<string, number> | null> {
  pythonFigures ??= (async () => {
    const exe = findPython();
    if (exe === null) return null;
    return runPythonJson(exe, join(here, '..', 'python', 'processes_bench.py'), [
      String(ITEMS),
      String(BURST),
      '5',
    ]);
  })();
  return pythonFigures;
}
function pythonContender(name: string, key: string): Contender {
  const contender: Contender = {
    name,
    async setup() {
      if ((await python()) === null) contender.unavailable = 'python3 not found';
    },
    run: async () => (await python())?.[key] ?? null,
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
        const results = await Promise.all(inputs.map((i) => pool.run(t.square, i)));
        sink += results.length;
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
        const results = await Promise.all(inputs.map((i) => pool.run(i)));
        sink += results.length;
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
        const results = await Promise.all(inputs.map((i) => pool.exec('square', [i])));
        sink += results.length;
      },
      teardown: async () => {
        await wp?.terminate();
      },
    },
    pythonContender('Python multiprocessing.Pool.apply_async', 'burst_ops_per_s'),
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
        const results = await (par as ProcessPool).map(t.square, items);
        sink += results.length;
      },
      teardown: () => par?.close(),
    },
    pythonContender('Python multiprocessing.Pool.map', 'map_items_per_s'),
  ];
}

// ---- start-up --------------------------------------------------------------
async function both<T>(call: () => Promise<T>): Promise<void> {
  await Promise.all([call(), call()]);
}

function startupContenders(): Contender[] {
  const timed = async (body: () => Promise<void>): Promise<number> => {
    const start = process.hrtime.bigint();
    await body();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const par = (name: string, execArgv?: string[]): Contender => ({
    name,
    ours: true,
    run: async () => {
      let pool: ProcessPool | undefined;
      const ms = await timed(async () => {
        pool = new ProcessPool({ maxWorkers: WORKERS, ...(execArgv ? { execArgv } : {}) });
        await both(() => (pool as ProcessPool).run(t.pid));
      });
      await pool?.terminate();
      return ms;
    },
  });
  return [
    // children inherit the parent's execArgv by default: under `tsx` that is tsx's
    // loader, which every child then loads too
    par('@par/processes ProcessPool (inherited execArgv)'),
    par('@par/processes ProcessPool (execArgv: [])', []),
    {
      name: "tinypool (runtime: 'child_process')",
      run: async () => {
        let pool: Tinypool | undefined;
        const ms = await timed(async () => {
          pool = new Tinypool({
            filename: tinyModule,
            runtime: 'child_process',
            minThreads: WORKERS,
            maxThreads: WORKERS,
          });
          await both(() => (pool as Tinypool).run(1));
        });
        await pool?.destroy();
        return ms;
      },
    },
    {
      name: "workerpool (workerType: 'process')",
      run: async () => {
        let pool: ReturnType<typeof workerpool.pool> | undefined;
        const ms = await timed(async () => {
          pool = workerpool.pool(workerpoolScript, {
            workerType: 'process',
            maxWorkers: WORKERS,
          });
          await both(() => (pool as ReturnType<typeof workerpool.pool>).exec('pid', []));
        });
        await pool?.terminate();
        return ms;
      },
    },
    pythonContender('Python multiprocessing.Pool(2)', 'startup_ms'),
  ];
}

export const scenarios: Scenario[] = [
  {
    id: 'processes.burst',
    title: `${BURST / 1000}k tiny tasks submitted at once, ${WORKERS} processes`,
    unit: 'ops/s',
    ops: BURST,
    better: 'higher',
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
    contenders: mapContenders(),
    bar: {
      description: ">= Python's multiprocessing.Pool.map",
      check: (m) =>
        get(m, '@par/processes ProcessPool.map') >= get(m, 'Python multiprocessing.Pool.map'),
    },
  },
  {
    id: 'processes.startup',
    title: `start-up of a pool of ${WORKERS} processes (until both answered a call)`,
    unit: 'ms',
    better: 'lower',
    contenders: startupContenders(),
  },
];

export function consume(): number {
  return sink;
}
