// @par/threads against piscina, tinypool and workerpool, all on 2 worker threads:
// - threads-burst: 100k tiny tasks submitted at once (ThreadPool#run);
// - threads-roundtrip: one task at a time, the round trip in µs;
// - threads-map: map over 1M tiny items (chunked) beside Python's ThreadPool.map and
//   Pool.map and piscina with one task per chunk (Python's chunk size);
// - threads-cpu: CPU-bound work split over 2 workers, speed-up over one thread;
// - threads-memory: RSS of a fresh process after 100k tasks (each contender in
//   its own child process, so their heaps do not mix).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ThreadPool, tasks } from '@par/threads';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { DIGEST_MOD, type Digest, equals, squares } from './checks.js';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, NO_PYTHON, pythonRow, runPoolBench } from './python.js';
import { sized } from './scale.js';

const require = createRequire(import.meta.url);
const WORKERS = 2;
const BURST = sized(100_000);
const ROUNDTRIPS = sized(5_000);
const ITEMS = sized(1_000_000);
const CPU_CHUNKS = 8;
const CPU_WORK = sized(4_000_000);

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

const PY_POOL_MAP = pythonRow('multiprocessing.Pool(2).map');
const PY_THREADPOOL_MAP = pythonRow('multiprocessing.pool.ThreadPool(2).map');

const t = tasks<{ square: (x: number) => number; cpu: (n: number) => number }>(
  pathToFileURL(parModule),
);
type Runner = {
  name: string;
  ours?: boolean;
  start(): Promise<void>;
  one(x: number): Promise<number>;
  stop(): Promise<void>;
};

/** What piscina and tinypool have in common: a pool of the module's default export. */
interface PeerPool {
  run(x: number): Promise<unknown>;
  destroy(): Promise<unknown>;
}
const peerOptions = {
  filename: pathToFileURL(piscinaModule).href,
  minThreads: WORKERS,
  maxThreads: WORKERS,
};

/** A runner for piscina or tinypool, which are started, called and stopped alike. */
function peerRunner(name: string, create: () => PeerPool): Runner {
  let pool: PeerPool | undefined;
  return {
    name,
    async start() {
      pool = create();
      await Promise.all([pool.run(1), pool.run(2)]);
    },
    one: (x) => (pool as PeerPool).run(x) as Promise<number>,
    stop: async () => {
      await pool?.destroy();
    },
  };
}

function runners(): Runner[] {
  let par: ThreadPool | undefined;
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
    peerRunner('piscina', () => new Piscina({ ...peerOptions })),
    peerRunner('tinypool', () => new Tinypool({ ...peerOptions })),
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
      return { output: await Promise.all(calls) };
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
      const results = new Array<number>(ROUNDTRIPS);
      for (let i = 0; i < ROUNDTRIPS; i++) results[i] = await r.one(i);
      return { output: results };
    },
    teardown: () => r.stop(),
  }));
}

// piscina with the chunking a user would write: one task per chunk, the chunk size
// Python's Pool.map picks (ceil(items / (4 × workers))).
const CHUNK = Math.ceil(ITEMS / (4 * WORKERS));
const chunkModule = join(dir, 'piscina-chunk.mjs');
writeFileSync(chunkModule, 'export default (xs) => xs.map((x) => x * x);\n');

function mapContenders(): Contender[] {
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  const chunks: number[][] = [];
  for (let i = 0; i < ITEMS; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
  let par: ThreadPool | undefined;
  let pis: Piscina | undefined;
  const python = (name: string, mode: 'map' | 'threadmap'): Contender => {
    const contender: Contender = {
      name,
      setup() {
        if (findPython() === null) contender.unavailable = NO_PYTHON;
      },
      run: () => runPoolBench(mode, ITEMS),
    };
    return contender;
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
        const output = await (par as ThreadPool).map(t.square, items);
        return { output, figure: ITEMS / (Number(process.hrtime.bigint() - start) / 1e9) };
      },
      teardown: async () => par?.close(),
    },
    python(PY_THREADPOOL_MAP, 'threadmap'),
    python(PY_POOL_MAP, 'map'),
    {
      name: `piscina, one task per chunk of ${CHUNK.toLocaleString('en')} items`,
      async setup() {
        pis = new Piscina({
          filename: pathToFileURL(chunkModule).href,
          minThreads: WORKERS,
          maxThreads: WORKERS,
        });
        await Promise.all([pis.run([1]), pis.run([2])]);
      },
      async run() {
        const start = process.hrtime.bigint();
        const parts = await Promise.all(
          chunks.map((chunk) => (pis as Piscina).run(chunk) as Promise<number[]>),
        );
        const output = parts.flat();
        return { output, figure: ITEMS / (Number(process.hrtime.bigint() - start) / 1e9) };
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
  // each contender returns the results of its last parallel run and of its last serial run
  // One thread doing all chunks: the baseline every speed-up is measured against.
  const serial = async () => {
    const start = process.hrtime.bigint();
    const result = await (par as ThreadPool).run(
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
    return { ns: Number(process.hrtime.bigint() - start), result };
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
        let output: CpuOutput | undefined;
        for (let i = 0; i < 2; i++) {
          const s = await serial();
          one = Math.min(one, s.ns);
          const start = process.hrtime.bigint();
          const parallel = await (par as ThreadPool).map(t.cpu, work, { chunkSize: 1 });
          both = Math.min(both, Number(process.hrtime.bigint() - start));
          output = { parallel, serial: s.result };
        }
        return { output, figure: one / both };
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
        let output: CpuOutput | undefined;
        for (let i = 0; i < 2; i++) {
          const s = await serial();
          one = Math.min(one, s.ns);
          const start = process.hrtime.bigint();
          const parallel = await Promise.all(
            work.map((n) => (pis as Piscina).run(n) as Promise<number>),
          );
          both = Math.min(both, Number(process.hrtime.bigint() - start));
          output = { parallel, serial: s.result };
        }
        return { output, figure: one / both };
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
const results = await Promise.all(calls);
const rss = process.memoryUsage().rss;
await stop();
let digest = 0;
for (const r of results) digest = (digest + (r % ${DIGEST_MOD})) % ${DIGEST_MOD};
console.log(JSON.stringify({ rssMb: rss / 2 ** 20, count: results.length, digest }));
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
      const last = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Digest & { rssMb: number };
      return { output: { count: last.count, digest: last.digest }, figure: last.rssMb };
    },
  };
}

const PAR = '@par/threads ThreadPool.run';

// the CPU task's results, computed here once to check the workers' ones
type CpuOutput = { parallel: number[]; serial: number };
const cpuHere = new Function(`return ${cpuSource}`)() as (n: number) => number;
let cpuCache: CpuOutput | undefined;
function cpuExpected(): CpuOutput {
  if (cpuCache === undefined) {
    const one = cpuHere(CPU_WORK);
    let serial = 0;
    for (let i = 0; i < CPU_CHUNKS; i++) serial += one;
    cpuCache = { parallel: Array.from({ length: CPU_CHUNKS }, () => one), serial };
  }
  return structuredClone(cpuCache);
}

export const scenarios: Scenario[] = [
  {
    id: 'threads-burst',
    title: `${BURST / 1000}k tiny tasks submitted at once, ${WORKERS} threads`,
    unit: 'ops/s',
    ops: BURST,
    better: 'higher',
    // 3 rounds: the peers take seconds per run at this size
    rounds: 3,
    check: squares(BURST),
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
    check: squares(ROUNDTRIPS),
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
    check: squares(ITEMS),
    contenders: mapContenders(),
    bar: {
      description: ">= Python's Pool.map and ThreadPool.map",
      check: (m) =>
        get(m, '@par/threads ThreadPool.map') >=
        Math.max(m.get(PY_POOL_MAP) ?? 0, m.get(PY_THREADPOOL_MAP) ?? 0),
    },
  },
  {
    id: 'threads-cpu',
    title: `CPU-bound work split over ${WORKERS} threads (speed-up, ideal ${WORKERS}x)`,
    unit: 'x',
    better: 'higher',
    rounds: 3,
    check: Object.assign(
      (output: unknown) => equals(cpuExpected(), 'the CPU task results')(output),
      {
        expected: cpuExpected,
        description: 'the CPU task results',
      },
    ),
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
    check: squares(BURST),
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
