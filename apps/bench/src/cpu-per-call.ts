// Where the CPU of a process pool goes, call by call: the throughput bench's
// workload (2 child processes, N tasks that busy-wait US µs on the wall clock, all
// submitted at once), with CPU counters instead of wall time alone, for contenders
// run round by round in turn (medians). Linux only (/proc).
//
//   tsx src/cpu-per-call.ts US N ROUNDS CONTENDER...
//   tsx src/cpu-per-call.ts 5000 200 15 par workerpool
//
// A contender is `par` (this workspace's @par/processes), `par:<dir>` (a copy of
// the built packages: <dir>/node_modules/@par/{async,queue,core,processes}/ with
// their package.json and dist/, to compare two builds), or `workerpool`
// (`workerType: 'process'`). Each runs in its own process; two warm-up rounds first.
//
// Columns (per call, medians over the rounds):
// - parentCpu: the pool owner's CPU (all its threads, user + system; process.cpuUsage)
// - parentMain: its main thread's (/proc/<pid>/task/<pid>/schedstat)
// - parentWakes: the main thread's voluntary context switches (sleeps, so wake-ups)
// - childBetween: a child's CPU (all its threads) from the end of one task to the start
//   of its next, read by the task itself (process.cpuUsage); p50 and mean
// - dead: the wall time from the end of a task to the start of the next in the same
//   child (its CPU there, preemption, and waiting for work); p50 and mean
// - deadP90: the 90th percentile of dead; deadLong: the dead time in gaps longer than
//   100 µs, per call (the gaps where a child waited for work or lost its core)
// - childWakes: a child main thread's voluntary context switches

import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKERS = 2;
const WARMUP = 2;
/** Gaps between two tasks longer than this (µs) add up in the column deadLong. */
const LONG_GAP_US = 100;

/** The task: busy-waits `us` µs and logs its start, end and the process's CPU at both. */
const spinSource =
  '(us, x) => { const u0 = process.cpuUsage(); const t0 = performance.now(); if (us > 0) { const end = t0 + us / 1000; while (performance.now() < end); } const t1 = performance.now(); const u1 = process.cpuUsage(); (globalThis.__log ??= []).push(t0, t1, u0.user + u0.system, u1.user + u1.system); return x; }';
const dumpSource =
  '() => { const l = globalThis.__log ?? []; globalThis.__log = []; return [process.pid, l]; }';

type Sample = Record<string, number>;

interface PoolUnderTest {
  call(us: number, x: number): Promise<unknown>;
  dump(): Promise<[number, number[]]>;
  stop(): Promise<unknown>;
}

async function startPool(kind: string, dir: string): Promise<PoolUnderTest> {
  if (kind === 'workerpool') {
    const require = createRequire(import.meta.url);
    const path = require.resolve('workerpool');
    const workerpool = require(path) as typeof import('workerpool');
    const script = join(dir, 'workerpool-spin.cjs');
    writeFileSync(
      script,
      `const workerpool = require(${JSON.stringify(path)});\nworkerpool.worker({ spin: ${spinSource}, dump: ${dumpSource} });\n`,
    );
    const pool = workerpool.pool(script, {
      minWorkers: WORKERS,
      maxWorkers: WORKERS,
      workerType: 'process',
    });
    return {
      call: (us, x) => pool.exec('spin', [us, x]) as unknown as Promise<unknown>,
      dump: () => pool.exec('dump', []) as unknown as Promise<[number, number[]]>,
      stop: async () => {
        await pool.terminate();
      },
    };
  }
  const copy = kind.startsWith('par:') ? kind.slice(4) : undefined;
  const mod = (
    copy === undefined
      ? await import('@par/processes')
      : await import(pathToFileURL(join(copy, 'node_modules/@par/processes/dist/index.js')).href)
  ) as typeof import('@par/processes');
  const file = join(dir, 'par-spin.mjs');
  writeFileSync(file, `export const spin = ${spinSource};\nexport const dump = ${dumpSource};\n`);
  type Tasks = {
    spin: (us: number, x: number) => number;
    dump: () => [number, number[]];
  };
  const t = mod.tasks<Tasks>(pathToFileURL(file));
  const pool = new mod.ProcessPool({ maxWorkers: WORKERS, minWorkers: WORKERS });
  return {
    call: (us, x) => pool.run(t.spin, us, x),
    dump: () => pool.run(t.dump),
    stop: () => pool.close(),
  };
}

function schedstat(pid: number, tid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
}

function voluntarySwitches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

function childPids(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    const list = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim();
    if (list !== '') out.push(...list.split(/\s+/).map(Number));
  }
  return out;
}

const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** The contender's side: a pool that runs a burst each time the driver asks. */
async function contender(kind: string, us: number, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'par-cpu-per-call-'));
  const pool = await startPool(kind, dir);
  await Promise.all([pool.call(0, 0), pool.call(0, 1)]);
  await Promise.all([pool.dump(), pool.dump()]);
  const pids = childPids();
  const send = (message: unknown): void => {
    (process as NodeJS.Process & { send(m: unknown): void }).send(message);
  };
  process.on('message', async (message) => {
    if (message === 'stop') {
      await pool.stop();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
    const cpu0 = process.cpuUsage();
    const main0 = schedstat(process.pid, process.pid);
    const wakes0 = voluntarySwitches(process.pid);
    const kidWakes0 = pids.map(voluntarySwitches);
    const t0 = performance.now();
    const calls = new Array<Promise<unknown>>(n);
    for (let i = 0; i < n; i++) calls[i] = pool.call(us, i);
    const out = await Promise.all(calls);
    const wall = performance.now() - t0;
    const cpu1 = process.cpuUsage();
    const main1 = schedstat(process.pid, process.pid);
    const wakes1 = voluntarySwitches(process.pid);
    const kidWakes = pids
      .map(voluntarySwitches)
      .reduce((s, w, i) => s + w - (kidWakes0[i] ?? 0), 0);
    for (let i = 0; i < n; i++) if (out[i] !== i) throw new Error(`wrong result for call ${i}`);
    // each child's log: task k ends at l[4k+1] (CPU l[4k+3]), task k+1 starts at l[4k+4] (CPU l[4k+6])
    const logs = new Map<number, number[]>();
    for (let tries = 0; logs.size < WORKERS && tries < 20; tries++) {
      for (const [pid, l] of await Promise.all([pool.dump(), pool.dump()])) {
        logs.set(pid, [...(logs.get(pid) ?? []), ...l]);
      }
    }
    const dead: number[] = [];
    const between: number[] = [];
    for (const l of logs.values()) {
      for (let i = 4; i < l.length; i += 4) {
        dead.push(((l[i] as number) - (l[i - 3] as number)) * 1000);
        between.push((l[i + 2] as number) - (l[i - 1] as number));
      }
    }
    const sample: Sample = {
      percentOfIdeal: (100 * (n * us)) / WORKERS / (wall * 1000),
      parentCpu: (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / n,
      parentMain: (main1 - main0) / 1000 / n,
      parentWakes: (wakes1 - wakes0) / n,
      childBetweenP50: median(between),
      childBetweenMean: mean(between),
      deadP50: median(dead),
      deadMean: mean(dead),
      deadP90: [...dead].sort((a, b) => a - b)[Math.floor(dead.length * 0.9)] ?? Number.NaN,
      deadLong: dead.reduce((sum, d) => (d > LONG_GAP_US ? sum + d : sum), 0) / n,
      childWakes: kidWakes / n,
    };
    send(sample);
  });
  send('ready');
}

/** The driver: starts the contenders, runs them round by round in turn, prints medians. */
async function driver(us: number, n: number, rounds: number, kinds: string[]): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const children: ChildProcess[] = [];
  const next = (child: ChildProcess): Promise<unknown> =>
    new Promise((resolve) => child.once('message', resolve));
  for (const kind of kinds) {
    const child = fork(self, ['--contender', kind, String(us), String(n)], {
      stdio: 'inherit',
      execArgv: process.execArgv,
    });
    await next(child);
    children.push(child);
  }
  const samples: Sample[][] = kinds.map(() => []);
  for (let r = 0; r < WARMUP + rounds; r++) {
    for (let j = 0; j < children.length; j++) {
      const i = (j + r) % children.length; // a different one goes first each round
      const child = children[i] as ChildProcess;
      child.send('go');
      const sample = (await next(child)) as Sample;
      if (r >= WARMUP) samples[i]?.push(sample);
    }
  }
  for (const child of children) child.send('stop');
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(2));
  console.log(
    `${n} tasks of ${us} µs, ${WORKERS} processes, medians of ${rounds} rounds (load average after: ${load.join(' ')})`,
  );
  const rows: Record<string, Record<string, string>> = {};
  kinds.forEach((kind, i) => {
    const list = samples[i] as Sample[];
    const row: Record<string, string> = {};
    for (const key of Object.keys(list[0] ?? {})) {
      row[key] = median(list.map((s) => s[key] as number)).toFixed(1);
    }
    rows[kind] = row;
  });
  console.table(rows);
}

const args = process.argv.slice(2);
if (args[0] === '--contender') {
  await contender(args[1] as string, Number(args[2]), Number(args[3]));
} else {
  const [us, n, rounds, ...kinds] = args;
  if (kinds.length === 0 || !(Number(us) >= 0) || !(Number(n) > 0) || !(Number(rounds) > 0)) {
    console.error(
      'usage: tsx src/cpu-per-call.ts US N ROUNDS CONTENDER... (par, par:<dir>, workerpool)',
    );
    process.exit(2);
  }
  await driver(Number(us), Number(n), Number(rounds), kinds);
}
