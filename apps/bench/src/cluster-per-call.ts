// Where the work of a tiny ClusterPool.run call goes, beside raw BullMQ: the
// cluster-run scenario's workload (CALLS calls of square, all submitted at once, the
// consumer in this process with concurrency 64) on a redis-server of its own, with
// counters instead of wall time alone, for contenders run round by round in turn.
//
//   tsx src/cluster-per-call.ts CALLS ROUNDS CONTENDER...
//   tsx src/cluster-per-call.ts 2000 8 par raw raw-par-data
//
// Contenders: `par` (ClusterPool.run + startWorker, threads 1), `raw` (Queue.addBulk
// + Worker + QueueEvents with ClusterPool's job options, as the bench), and
// `raw-par-data` (raw, its jobs carrying ClusterPool's job data and result shapes:
// what the larger payload costs by itself). One warm-up round each first.
//
// Columns (per call; ops/s and bytes are medians, the others means over the rounds):
// - ops/s: calls per second of wall time
// - redisCmds / evalsha: commands Redis ran (INFO commandstats), and of them EVALSHA
// - redisCpu: redis-server's CPU (INFO cpu, user + system)
// - nodeCpu: this process's CPU (all its threads; process.cpuUsage)
// - allocated: bytes the main thread allocated (v8 GCProfiler: heap growth between
//   collections)
// - threadMsgs: messages this process's main thread posted to worker threads
// The per-command table of each contender follows (calls per call).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { MessagePort, Worker as NodeWorker } from 'node:worker_threads';
import { ClusterPool, startWorker, tasks } from '@par/cluster';
import { Worker as BullWorker, type Job, Queue, QueueEvents } from 'bullmq';
import { launchRedis } from './redis-server.js';

const [callsArg = '2000', roundsArg = '8', ...names] = process.argv.slice(2);
const CALLS = Number(callsArg);
const ROUNDS = Number(roundsArg);
const contenderNames = names.length > 0 ? names : ['par', 'raw'];

let posted = 0;
for (const proto of [MessagePort.prototype, NodeWorker.prototype]) {
  const post = proto.postMessage;
  proto.postMessage = function (this: unknown, ...args: unknown[]) {
    posted++;
    return Reflect.apply(post, this, args);
  };
}

const dir = mkdtempSync(join(tmpdir(), 'par-cluster-per-call-'));
writeFileSync(join(dir, 'tasks.mjs'), 'export const square = (x) => x * x;\n');
const root = pathToFileURL(`${dir}/`);
const t = tasks<{ square: (x: number) => number }>(new URL('./tasks.mjs', root));

const server = await launchRedis(dir);
if (server === null) throw new Error('cluster-per-call needs redis-server');
const { port } = server;
const url = server.url;
const connection = { url, maxRetriesPerRequest: null };
/** Runs a command with redis-cli (between rounds only). */
const cli = (...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });

function commandStats(): Map<string, number> {
  const stats = new Map<string, number>();
  for (const line of cli('INFO', 'commandstats').split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m) stats.set(m[1] as string, Number(m[2]));
  }
  return stats;
}

function redisCpu(): number {
  const text = cli('INFO', 'cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(text)?.[1]);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(text)?.[1]);
  return (user + sys) * 1e6;
}

interface Contender {
  name: string;
  run(): Promise<unknown[]>;
  close(): Promise<void>;
}

let queues = 0;

async function par(): Promise<Contender> {
  const queue = `par-${++queues}`;
  const worker = await startWorker({
    connection: url,
    queue,
    root,
    allow: ['tasks.mjs'],
    threads: 1,
    concurrency: 64,
  });
  const pool = new ClusterPool({ connection: url, queue, root });
  return {
    name: 'par',
    run: () => {
      const calls: Promise<number>[] = [];
      for (let i = 0; i < CALLS; i++) calls.push(pool.run(t.square, i));
      return Promise.all(calls);
    },
    close: async () => {
      await pool.close();
      await worker.close();
    },
  };
}

async function raw(parData: boolean): Promise<Contender> {
  const name = `raw-${++queues}`;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  let waiting = new Map<string, number>();
  let results: unknown[] = [];
  let done: (() => void) | undefined;
  events.on('completed', ({ jobId, returnvalue }) => {
    const index = waiting.get(jobId);
    if (index === undefined) return;
    waiting.delete(jobId);
    results[index] = returnvalue;
    if (waiting.size === 0) done?.();
  });
  await events.waitUntilReady();
  const worker = new BullWorker(
    name,
    parData
      ? // a result as a par worker returns it: [[value], run ms, wait ms]
        async (job: Job) => [
          [(job.data.j[0] as number) ** 2],
          0.012,
          Math.max(0, (job.processedOn ?? Date.now()) - job.timestamp),
        ]
      : async (job: Job) => (job.data.x as number) ** 2,
    { connection, concurrency: 64 },
  );
  await worker.waitUntilReady();
  let runs = 0;
  return {
    name: parData ? 'raw-par-data' : 'raw',
    run: async () => {
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      runs++;
      const ids = Array.from({ length: CALLS }, (_, i) => `${queues}-${runs}-${Date.now()}-${i}`);
      waiting = new Map(ids.map((id, i) => [id, i]));
      results = new Array(CALLS);
      await queue.addBulk(
        ids.map((jobId, i) => ({
          name: 'square',
          data: parData ? { v: 1, m: 'tasks.mjs', n: 'square', k: 0, j: [i] } : { x: i },
          opts: {
            jobId,
            attempts: 3,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: { count: 1000 },
          },
        })),
      );
      await finished;
      return results;
    },
    close: async () => {
      await worker.close();
      await events.close();
      await queue.close();
    },
  };
}

const contenders: Contender[] = [];
for (const name of contenderNames) {
  if (name === 'par') contenders.push(await par());
  else if (name === 'raw' || name === 'raw-par-data') contenders.push(await raw(name !== 'raw'));
  else throw new TypeError(`Unknown contender ${name} (expected par, raw or raw-par-data)`);
}
for (const c of contenders) await c.run();

interface Round {
  ops: number;
  redisCmds: number;
  evalsha: number;
  redisCpu: number;
  nodeCpu: number;
  allocated: number;
  threadMsgs: number;
  commands: Map<string, number>;
}
const rounds = new Map<string, Round[]>(contenders.map((c) => [c.name, []]));

for (let r = 0; r < ROUNDS; r++) {
  for (const c of contenders) {
    cli('CONFIG', 'RESETSTAT');
    const redis0 = redisCpu();
    const gc = new GCProfiler();
    gc.start();
    const used0 = getHeapStatistics().used_heap_size;
    const cpu0 = process.cpuUsage();
    posted = 0;
    const start = performance.now();
    const out = await c.run();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const threadMsgs = posted;
    let allocated = 0;
    let previous = used0;
    for (const g of gc.stop().statistics) {
      allocated += g.beforeGC.heapStatistics.usedHeapSize - previous;
      previous = g.afterGC.heapStatistics.usedHeapSize;
    }
    allocated += getHeapStatistics().used_heap_size - previous;
    for (let i = 0; i < CALLS; i++) {
      const v = out[i];
      // raw-par-data's return value is a par worker's: [[value], run ms, wait ms]
      const value = Array.isArray(v) ? (Array.isArray(v[0]) ? v[0][0] : v[0]) : v;
      if (value !== i * i) throw new Error(`${c.name}: call ${i} returned ${String(v)}`);
    }
    // redis-cli's INFO and CONFIG count too (3 commands per round)
    const commands = commandStats();
    const redisCmds = [...commands.values()].reduce((a, b) => a + b, 0);
    rounds.get(c.name)?.push({
      ops: CALLS / (ms / 1000),
      redisCmds: redisCmds / CALLS,
      evalsha: (commands.get('evalsha') ?? 0) / CALLS,
      redisCpu: (redisCpu() - redis0) / CALLS,
      nodeCpu: (cpu.user + cpu.system) / CALLS,
      allocated: allocated / CALLS,
      threadMsgs: threadMsgs / CALLS,
      commands,
    });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log(`${CALLS} calls, ${ROUNDS} rounds each (per call)`);
console.log(
  'contender      ops/s  redisCmds  evalsha  redisCpu µs  nodeCpu µs  allocated B  threadMsgs',
);
for (const c of contenders) {
  const rs = rounds.get(c.name) ?? [];
  const row = [
    c.name.padEnd(12),
    median(rs.map((r) => r.ops))
      .toFixed(0)
      .padStart(7),
    mean(rs.map((r) => r.redisCmds))
      .toFixed(2)
      .padStart(10),
    mean(rs.map((r) => r.evalsha))
      .toFixed(3)
      .padStart(8),
    mean(rs.map((r) => r.redisCpu))
      .toFixed(1)
      .padStart(12),
    mean(rs.map((r) => r.nodeCpu))
      .toFixed(1)
      .padStart(11),
    median(rs.map((r) => r.allocated))
      .toFixed(0)
      .padStart(12),
    mean(rs.map((r) => r.threadMsgs))
      .toFixed(4)
      .padStart(11),
  ];
  console.log(row.join(' '));
  console.log(`  ops/s by round: ${rs.map((r) => r.ops.toFixed(0)).join(' ')}`);
}
for (const c of contenders) {
  const rs = rounds.get(c.name) ?? [];
  const total = new Map<string, number>();
  for (const r of rs) for (const [k, v] of r.commands) total.set(k, (total.get(k) ?? 0) + v);
  const list = [...total]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / rs.length / CALLS).toFixed(3)}`);
  console.log(`${c.name} commands per call: ${list.join(', ')}`);
}

for (const c of contenders) await c.close();
server.child.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
