// @par/threads against piscina, tinypool and workerpool, all on 2 worker threads:
// - threads-burst: 100k tiny tasks submitted at once (ThreadPool#run);
// - threads-roundtrip: one task at a time, the round trip in µs;
// - threads-map: map over 1M tiny items (chunked) beside Python's Pool.map and
//   per-task submission in piscina;
// - threads-cpu: CPU-bound work split over 2 workers, speed-up over one thread;
// - threads-memory: RSS of a fresh process after 100k tasks (each contender in
//   its own child process, so their heaps do not mix).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ThreadPool, tasks } from '@par/threads';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, runPythonJson } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const WORKERS = 2;
const BURST = 100_000;
const ROUNDTRIPS = 5_000;
const ITEMS = 1_000_000;
const PER_TASK_ITEMS = 50_000;
const CPU_CHUNKS = 8;
const CPU_WORK = 4_000_000;

// Task modules in a temporary folder as plain JavaScript, so no worker needs a loader.
const dir = mkdtempSync(join(tmpdir(), 'par-bench-threads-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const cpuSource = `(n) => { let x = 0; for (let i = 0; i < n; i++) x = (x + Math.sqrt(i * 7.1)) % 1e9; return x; }`;
const parModule = join(dir, 'par-tasks.mjs');
writeFileSync(parModule, `export const square = (x) => x * x;\nexport const cpu = ${cpuSource};\n`);
const piscinaModule = join(dir, 'piscina-task.mjs');
writeFileSync(piscinaModule, 'export default (x) => x * x;\n');
const workerpoolScript = join(dir, 'workerpool-worker.cjs');
writeFileSync(
  workerpoolScript,
  `const workerpool = require(${JSON.stringify(require.resolve('workerpool'))});\n` +
    'workerpool.worker({ square: (x) => x * x });\n',
);

const t = tasks<{ square: (x: number) => number; cpu: (n: number) => number }>(
  pathToFileURL(parModule),
);
let sink = 0;

type Runner = {
  name: string;
  ours?: boolean;
  start(): Promise<void>;
  one(x: number): Promise<number>;
  stop(): Promise<void>;
};

function runners(): Runner[] {
  let par: ThreadPool | undefined;
  let pis: Piscina | undefined;
  let tiny: Tinypool | undefined;
  let wp: ReturnType<typeof workerpool.pool> | undefined;
  return [
    {
      name: '@par/threads ThreadPool.run',
      ours: true,
      async start() {
        par = new ThreadPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
        await Promise.all([par.run(t.square, 1), par.run(t.square, 2)]);
      },
      one: (x) => (par as ThreadPool).run(t.square, x),
      stop: async () => par?.close(),
    },
    {
      name: 'piscina',
      async start() {
        pis = new Piscina({
          filename: pathToFileURL(piscinaModule).href,
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await Promise.all([pis.run(1), pis.run(2)]);
      },
      one: (x) => (pis as Piscina).run(x) as Promise<number>,
      stop: async () => pis?.destroy(),
    },
    {
      name: 'tinypool',
      async start() {
        tiny = new Tinypool({
          filename: pathToFileURL(piscinaModule).href,
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await Promise.all([tiny.run(1), tiny.run(2)]);
      },
      one: (x) => (tiny as Tinypool).run(x) as Promise<number>,
      stop: async () => tiny?.destroy(),
    },
    {
      name: 'workerpool',
      async start() {
        wp = workerpool.pool(workerpoolScript, {
          minWorkers: WORKERS,
          maxWorkers: WORKERS,
          workerType: 'thread',
        });
        await Promise.all([wp.exec('square', [1]), wp.exec('square', [2])]);
      },
      one: (x) =>
        (wp as ReturnType<typeof workerpool.pool>).exec('square', [
          x,
        ]) as unknown as Promise<number>,
      stop: async () => {
        await wp?.terminate();
      },
    },
  ];
}

function burstContenders(): Contender[] {
  return runners().map((r) => ({
    name: r.name,
    ours: r.ours,
    setup: () => r.start(),
    async run() {
      const calls = new Array<Promise<number>>(BURST);
      for (let i = 0; i < BURST; i++) calls[i] = r.one(i);
      const results = await Promise.all(calls);
      sink += results[BURST - 1] as number;
    },
    teardown: () => r.stop(),
  }));
}

function roundtripContenders(): Contender[] {
  return runners().map((r) => ({
    name: r.name,
    ours: r.ours,
    setup: () => r.start(),
    async run() {
      for (let i = 0; i < ROUNDTRIPS; i++) sink += await r.one(i);
    },
    teardown: () => r.stop(),
  }));
}

let pythonMap: Promise<number | null> | undefined;
function pythonMapFigure(): Promise<number | null> {
  pythonMap ??= (async () => {
    const exe = findPython();
    if (exe === null) return null;
    const figures = runPythonJson(exe, join(here, '..', 'python', 'processes_bench.py'), [
      String(ITEMS),
      '2000',
      '3',
    ]);
    return figures.map_items_per_s ?? null;
  })();
  return pythonMap;
}

function mapContenders(): Contender[] {
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  const few = items.slice(0, PER_TASK_ITEMS);
  let par: ThreadPool | undefined;
  let pis: Piscina | undefined;
  const python: Contender = {
    name: 'Python multiprocessing.Pool(2).map',
    async setup() {
      if ((await pythonMapFigure()) === null) python.unavailable = 'python3 not found';
    },
    run: () => pythonMapFigure(),
  };
  return [
    {
      name: '@par/threads ThreadPool.map',
      ours: true,
      async setup() {
        par = new ThreadPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
        await par.map(t.square, [1, 2, 3]);
      },
      async run() {
        const start = process.hrtime.bigint();
        const out = await (par as ThreadPool).map(t.square, items);
        sink += out[ITEMS - 1] as number;
        return ITEMS / (Number(process.hrtime.bigint() - start) / 1e9);
      },
      teardown: async () => par?.close(),
    },
    python,
    {
      name: `piscina, one task per item (${PER_TASK_ITEMS / 1000}k items)`,
      async setup() {
        pis = new Piscina({
          filename: pathToFileURL(piscinaModule).href,
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await pis.run(1);
      },
      async run() {
        const start = process.hrtime.bigint();
        const out = await Promise.all(few.map((x) => (pis as Piscina).run(x) as Promise<number>));
        sink += out[0] as number;
        return PER_TASK_ITEMS / (Number(process.hrtime.bigint() - start) / 1e9);
      },
      teardown: async () => pis?.destroy(),
    },
  ];
}

function cpuContenders(): Contender[] {
  let par: ThreadPool | undefined;
  let pis: Piscina | undefined;
  const cpuModule = join(dir, 'piscina-cpu.mjs');
  writeFileSync(cpuModule, `export default ${cpuSource};\n`);
  const work = Array.from({ length: CPU_CHUNKS }, () => CPU_WORK);
  // One thread doing all chunks: the baseline every speed-up is measured against.
  const serial = async () => {
    const start = process.hrtime.bigint();
    await (par as ThreadPool).run(
      (chunks: number[], n: number) => {
        let x = 0;
        for (const c of chunks) {
          let y = 0;
          for (let i = 0; i < c; i++) y = (y + Math.sqrt(i * 7.1)) % 1e9;
          x += y + n;
        }
        return x;
      },
      work,
      0,
    );
    return Number(process.hrtime.bigint() - start);
  };
  return [
    {
      name: '@par/threads ThreadPool.map (speed-up over 1 thread)',
      ours: true,
      async setup() {
        par = new ThreadPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
        await par.map(t.cpu, [10, 10]);
      },
      async run() {
        // best of two of each, alternating, to damp other processes on the machine
        let one = Number.POSITIVE_INFINITY;
        let both = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 2; i++) {
          one = Math.min(one, await serial());
          const start = process.hrtime.bigint();
          const out = await (par as ThreadPool).map(t.cpu, work, { chunkSize: 1 });
          sink += out[0] as number;
          both = Math.min(both, Number(process.hrtime.bigint() - start));
        }
        return one / both;
      },
      teardown: async () => par?.close(),
    },
    {
      name: 'piscina (speed-up over 1 thread)',
      async setup() {
        par ??= new ThreadPool({ maxWorkers: 1 });
        pis = new Piscina({
          filename: pathToFileURL(cpuModule).href,
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await pis.run(10);
      },
      async run() {
        let one = Number.POSITIVE_INFINITY;
        let both = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 2; i++) {
          one = Math.min(one, await serial());
          const start = process.hrtime.bigint();
          const out = await Promise.all(
            work.map((n) => (pis as Piscina).run(n) as Promise<number>),
          );
          sink += out[0] as number;
          both = Math.min(both, Number(process.hrtime.bigint() - start));
        }
        return one / both;
      },
      teardown: async () => {
        await pis?.destroy();
        await par?.close();
      },
    },
  ];
}

// Memory: each contender in a fresh process; the figure is its RSS after 100k tasks.
const memoryScript = join(dir, 'memory.mjs');
writeFileSync(
  memoryScript,
  `
const [which, parUrl, piscinaFile, wpScript, wpPath, threadsUrl, piscinaUrl, tinypoolUrl] = process.argv.slice(2);
const N = ${BURST};
let one, stop;
if (which === 'par') {
  const { ThreadPool, tasks } = await import(threadsUrl);
  const t = tasks(parUrl);
  const pool = new ThreadPool({ maxWorkers: ${WORKERS} });
  one = (x) => pool.run(t.square, x); stop = () => pool.close();
} else if (which === 'piscina') {
  const { Piscina } = await import(piscinaUrl);
  const pool = new Piscina({ filename: piscinaFile, maxThreads: ${WORKERS}, minThreads: ${WORKERS} });
  one = (x) => pool.run(x); stop = () => pool.destroy();
} else if (which === 'tinypool') {
  const { default: Tinypool } = await import(tinypoolUrl);
  const pool = new Tinypool({ filename: piscinaFile, maxThreads: ${WORKERS}, minThreads: ${WORKERS} });
  one = (x) => pool.run(x); stop = () => pool.destroy();
} else {
  const { createRequire } = await import('node:module');
  const workerpool = createRequire(import.meta.url)(wpPath);
  const pool = workerpool.pool(wpScript, { maxWorkers: ${WORKERS}, workerType: 'thread' });
  one = (x) => pool.exec('square', [x]); stop = () => pool.terminate();
}
const calls = [];
for (let i = 0; i < N; i++) calls.push(one(i));
await Promise.all(calls);
const rss = process.memoryUsage().rss;
await stop();
console.log(JSON.stringify({ rssMb: rss / 2 ** 20 }));
`,
);

function memoryContender(name: string, which: string, ours = false): Contender {
  return {
    name,
    ours,
    run() {
      const out = execFileSync(
        process.execPath,
        [
          memoryScript,
          which,
          pathToFileURL(parModule).href,
          pathToFileURL(piscinaModule).href,
          workerpoolScript,
          require.resolve('workerpool'),
          import.meta.resolve('@par/threads'),
          import.meta.resolve('piscina'),
          import.meta.resolve('tinypool'),
        ],
        { encoding: 'utf8' },
      );
      return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rssMb: number }).rssMb;
    },
  };
}

const PAR = '@par/threads ThreadPool.run';

export const scenarios: Scenario[] = [
  {
    id: 'threads-burst',
    title: `${BURST / 1000}k tiny tasks submitted at once, ${WORKERS} threads`,
    unit: 'ops/s',
    ops: BURST,
    better: 'higher',
    contenders: burstContenders(),
    bar: {
      description: '>= 3x piscina',
      check: (m) => get(m, PAR) >= 3 * get(m, 'piscina'),
    },
  },
  {
    id: 'threads-roundtrip',
    title: 'one task at a time, round trip',
    unit: 'µs',
    ops: ROUNDTRIPS,
    better: 'lower',
    contenders: roundtripContenders(),
    bar: {
      description: '<= 0.75x the best peer',
      check: (m) =>
        get(m, PAR) <= 0.75 * Math.min(get(m, 'piscina'), get(m, 'tinypool'), get(m, 'workerpool')),
    },
  },
  {
    id: 'threads-map',
    title: `map over ${ITEMS / 1e6}M tiny items, ${WORKERS} workers`,
    unit: 'items/s',
    better: 'higher',
    contenders: mapContenders(),
    bar: {
      description: ">= Python's Pool.map",
      check: (m) =>
        get(m, '@par/threads ThreadPool.map') >= (m.get('Python multiprocessing.Pool(2).map') ?? 0),
    },
  },
  {
    id: 'threads-cpu',
    title: `CPU-bound work split over ${WORKERS} threads (speed-up, ideal ${WORKERS}x)`,
    unit: 'x',
    better: 'higher',
    rounds: 3,
    contenders: cpuContenders(),
    bar: {
      description: `>= 92% of ideal (${(0.92 * WORKERS).toFixed(2)}x)`,
      check: (m) =>
        get(m, '@par/threads ThreadPool.map (speed-up over 1 thread)') >= 0.92 * WORKERS,
    },
  },
  {
    id: 'threads-memory',
    title: `RSS after ${BURST / 1000}k tasks (fresh process each)`,
    unit: 'MB',
    better: 'lower',
    rounds: 3,
    warmup: 0,
    contenders: [
      memoryContender(PAR, 'par', true),
      memoryContender('piscina', 'piscina'),
      memoryContender('tinypool', 'tinypool'),
      memoryContender('workerpool', 'workerpool'),
    ],
    bar: {
      description: '<= piscina',
      check: (m) => get(m, PAR) <= get(m, 'piscina'),
    },
  },
];

export const _sink = () => sink;
