import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ClusterPool,
  type ClusterWorker,
  startWorker,
  tasks,
  type WorkerOptions,
} from '@par/cluster';
import { type RedisServer, startRedis } from '@par/test-support/redis-server';
import { afterAll, beforeAll } from 'vitest';

export const root = new URL('./fixtures/', import.meta.url);
export const t = tasks<typeof import('./fixtures/tasks.mjs')>(
  new URL('./fixtures/tasks.mjs', import.meta.url),
);
export const other = tasks<typeof import('./fixtures/other.mjs')>(
  new URL('./fixtures/other.mjs', import.meta.url),
);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/**
 * Resolves when `condition()` holds, checking after every turn of the event loop
 * (a condition wait, not a timing guess). Fails after `limit` ms as a safety net.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limit = 60_000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limit) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A directory for the file latches of the gate task. */
export function latchDir(): {
  dir: string;
  started(name: string): number[];
  go(name: string): void;
  aborted(name: string): boolean;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'par-cluster-latch-'));
  return {
    dir,
    started: (name) =>
      readdirSync(dir)
        .filter((f) => f.startsWith(`${name}.started.`))
        .map((f) => Number(f.slice(`${name}.started.`.length))),
    go: (name) => writeFileSync(join(dir, `${name}.go`), ''),
    aborted: (name) => readdirSync(dir).includes(`${name}.aborted`),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `par-worker` (dist/bin.js) and resolves once it printed `par-worker ready`. */
export function startWorkerProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const worker: WorkerProcess = {
    child,
    pid: child.pid as number,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    worker.stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      worker.stdout += chunk.toString();
      if (worker.stdout.includes('par-worker ready\n')) resolve(worker);
    });
    void worker.exited.then(({ code }) =>
      reject(new Error(`par-worker exited with ${code} before it was ready: ${worker.stderr}`)),
    );
  });
}

/** What {@link clusterForFile} starts for a test file. */
export interface ClusterFixture {
  readonly redis: RedisServer;
  readonly worker: ClusterWorker;
  /** A ClusterPool on the worker's queue and root. */
  readonly pool: ClusterPool;
}

/**
 * For a test file: before its tests, a redis-server, an in-process worker on `queue`
 * (fixtures/tasks.mjs allowed, two threads, unless `options` says otherwise) and a
 * ClusterPool on that queue and root; after them, the pool, the worker and Redis are
 * closed. `options` is read in the file's `beforeAll`, after the hooks registered
 * before this call (a root that one of them makes).
 */
export function clusterForFile(
  queue: string,
  options: () => Partial<Omit<WorkerOptions, 'connection' | 'queue'>> = () => ({}),
): ClusterFixture {
  let redis: RedisServer | undefined;
  let worker: ClusterWorker | undefined;
  let pool: ClusterPool | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    const settings = { root, allow: ['tasks.mjs'], threads: 2, ...options() };
    worker = await startWorker({ connection: redis.url, queue, ...settings });
    pool = new ClusterPool({ connection: redis.url, queue, root: settings.root });
  });
  afterAll(async () => {
    await pool?.close();
    await worker?.close();
    await redis?.dispose();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} of this test file has not started`);
    return value;
  };
  return {
    get redis() {
      return started(redis, 'redis-server');
    },
    get worker() {
      return started(worker, 'worker');
    },
    get pool() {
      return started(pool, 'pool');
    },
  };
}
