// @par/joblib-style beside Python's joblib (Debian's python3-joblib), in the same run:
// - joblib-tiny: 100k tiny delayed calls with nJobs 2, one-shot (a process-wide pool is
//   reused, as loky reuses its executor) and on a reused instance;
// - joblib-cpu: CPU-bound calls over both cores, speed-up of nJobs 2 over nJobs 1;
// - joblib-memory: 1M calls from a generator with returnAs 'generator', peak RSS of a
//   fresh process above its idle RSS.
// joblib's figures come from python/joblib_bench.py, run once per bench run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { delayed, Parallel, type ParallelInstance, tasks } from '@par/joblib-style';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, runPythonJson } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));
const CALLS = 100_000;
const GEN_CALLS = 1_000_000;
const CPU_CALLS = 8;
const CPU_N = 60_000;

// the task module as plain JavaScript, so no worker needs a loader
const dir = mkdtempSync(join(tmpdir(), 'par-bench-joblib-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const taskModule = join(dir, 'joblib-tasks.mjs');
writeFileSync(
  taskModule,
  `export const square = (x) => x * x;
export function countPrimes(n) {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) if (i % d === 0) { prime = false; break; }
    if (prime) count++;
  }
  return count;
}
`,
);
const t = tasks<{ square: (x: number) => number; countPrimes: (n: number) => number }>(
  pathToFileURL(taskModule),
);

// ---- Python (one run of the script gives every figure) ----------------------
let pythonFigures: Promise<Record<string, number> | null> | undefined;
function python(): Promise<Record<string, number> | null> {
  pythonFigures ??= (async () => {
    const exe = findPython(['joblib']);
    if (exe === null) return null;
    return runPythonJson(exe, join(here, '..', 'python', 'joblib_bench.py'), [
      String(CALLS),
      '3',
      String(GEN_CALLS),
    ]);
  })();
  return pythonFigures;
}
function pythonContender(name: string, key: string): Contender {
  const contender: Contender = {
    name,
    async setup() {
      if ((await python()) === null) contender.unavailable = 'no python3 with joblib';
    },
    run: async () => (await python())?.[key] ?? null,
  };
  return contender;
}

const tiny = () => Array.from({ length: CALLS }, (_, i) => delayed(t.square)(i));
let instance: ParallelInstance | undefined;

const cpuWork = () => Array.from({ length: CPU_CALLS }, () => delayed(t.countPrimes)(CPU_N));
async function speedUp(): Promise<number> {
  let start = performance.now();
  await Parallel({ nJobs: 1 })(cpuWork());
  const one = performance.now() - start;
  start = performance.now();
  await Parallel({ nJobs: 2, batchSize: 1 })(cpuWork());
  return one / (performance.now() - start);
}

// Memory: a fresh process; the figure is its peak RSS above the idle process.
const rssScript = join(dir, 'rss.mjs');
writeFileSync(
  rssScript,
  `
const [joblibUrl, taskUrl] = process.argv.slice(2);
const { Parallel, delayed, tasks } = await import(joblibUrl);
const t = tasks(taskUrl);
await Parallel({ nJobs: 2 })([delayed(t.square)(1), delayed(t.square)(2)]); // workers up
globalThis.gc?.();
const idle = process.memoryUsage().rss;
let peak = idle;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
function* calls() { for (let i = 0; i < ${GEN_CALLS}; i++) yield delayed(t.square)(i); }
let sum = 0;
for await (const r of Parallel({ nJobs: 2, returnAs: 'generator' })(calls())) sum += r;
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
clearInterval(timer);
console.log(JSON.stringify({ rssMb: (peak - idle) / 2 ** 20, sum }));
`,
);

export const scenarios: Scenario[] = [
  {
    id: 'joblib-tiny',
    title: `${CALLS / 1000}k tiny delayed calls, nJobs 2`,
    unit: 'ops/s',
    ops: CALLS,
    better: 'higher',
    rounds: 3,
    contenders: [
      {
        name: '@par/joblib-style Parallel (one-shot)',
        ours: true,
        run: () => Parallel({ nJobs: 2 })(tiny()),
      },
      {
        name: '@par/joblib-style new Parallel (reused)',
        ours: true,
        setup() {
          instance = new Parallel({ nJobs: 2 });
        },
        run: () => (instance as ParallelInstance)(tiny()),
        async teardown() {
          await instance?.[Symbol.asyncDispose]();
        },
      },
      pythonContender('Python joblib Parallel(n_jobs=2)', 'tiny_oneshot_ops_per_s'),
      pythonContender('Python joblib, with Parallel(n_jobs=2) (reused)', 'tiny_reused_ops_per_s'),
    ],
    bar: {
      description: '>= 5x joblib, one-shot and reused',
      check: (m) =>
        get(m, '@par/joblib-style Parallel (one-shot)') >=
          5 * get(m, 'Python joblib Parallel(n_jobs=2)') &&
        get(m, '@par/joblib-style new Parallel (reused)') >=
          5 * get(m, 'Python joblib, with Parallel(n_jobs=2) (reused)'),
    },
  },
  {
    id: 'joblib-cpu',
    title: `CPU-bound delayed calls over 2 cores (speed-up of nJobs 2 over nJobs 1, ideal 2x)`,
    unit: 'x',
    better: 'higher',
    rounds: 3,
    contenders: [
      { name: '@par/joblib-style Parallel (speed-up)', ours: true, run: speedUp },
      pythonContender('Python joblib Parallel (speed-up)', 'cpu_speedup'),
    ],
    bar: {
      description: '>= 92% of ideal (1.84x)',
      check: (m) => get(m, '@par/joblib-style Parallel (speed-up)') >= 1.84,
    },
  },
  {
    id: 'joblib-memory',
    title: `peak RSS above idle, ${GEN_CALLS / 1e6}M calls from a generator (fresh process)`,
    unit: 'MB',
    better: 'lower',
    rounds: 1,
    warmup: 0,
    contenders: [
      {
        name: "@par/joblib-style returnAs: 'generator'",
        ours: true,
        run() {
          const out = execFileSync(
            process.execPath,
            [rssScript, import.meta.resolve('@par/joblib-style'), pathToFileURL(taskModule).href],
            { encoding: 'utf8' },
          );
          return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { rssMb: number }).rssMb;
        },
      },
      pythonContender('Python joblib 1.2 (list output: no return_as)', 'gen_rss_mb'),
    ],
    bar: {
      description: '<= 50 MB above idle',
      check: (m) => get(m, "@par/joblib-style returnAs: 'generator'") <= 50,
    },
  },
];
