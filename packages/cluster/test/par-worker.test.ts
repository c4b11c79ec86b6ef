import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ClusterPool } from '@par/cluster';
import { type RedisServer, startRedis } from '@par/test-support/redis-server';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latchDir, root, startWorkerProcess, t, until, type WorkerProcess } from './helpers.js';

const rootPath = new URL('./fixtures/', import.meta.url).pathname;
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
let redis: RedisServer;
let latch: ReturnType<typeof latchDir>;
const workers: WorkerProcess[] = [];

function args(queue: string, extra: string[] = []): string[] {
  return [
    '--redis',
    redis.url,
    '--queue',
    queue,
    '--root',
    rootPath,
    '--allow',
    'tasks.mjs',
    '--threads',
    '1',
    ...extra,
  ];
}

beforeEach(async () => {
  redis = await startRedis();
  latch = latchDir();
});

afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
  latch.dispose();
  await redis.dispose();
});

describe('par-worker', () => {
  it('prints exactly one line "par-worker ready" on stdout and what it serves on stderr; two workers share the calls', async () => {
    workers.push(await startWorkerProcess(args('two')), await startWorkerProcess(args('two')));
    const first = workers[0] as WorkerProcess;
    expect(first.stdout).toBe('par-worker ready\n');
    // written before the ready line, on the other pipe: it may be read a little later
    await until(() => first.stderr.includes('\n'), 'the line saying what it serves');
    expect(first.stderr).toMatch(/queue "two".*allow tasks\.mjs, 1 threads, concurrency 1\n/);
    const pool = new ClusterPool({ connection: redis.url, queue: 'two', root });
    try {
      expect((await pool.stats()).workers).toBe(2);
      // each worker takes one job at a time: two gated calls run on both
      const a = pool.run(t.gate, latch.dir, 'g');
      const b = pool.run(t.gate, latch.dir, 'g');
      await until(() => latch.started('g').length === 2, 'both calls to start');
      expect(new Set(latch.started('g'))).toEqual(new Set(workers.map((w) => w.pid)));
      latch.go('g');
      expect(new Set([await a, await b])).toEqual(new Set(workers.map((w) => w.pid)));
    } finally {
      await pool.close();
    }
  });

  it('reruns the job of a worker SIGKILLed mid-call on another worker; the caller gets one result', async () => {
    const fast = ['--lock-duration', '2000', '--stalled-interval', '500'];
    workers.push(
      await startWorkerProcess(args('kill', fast)),
      await startWorkerProcess(args('kill', fast)),
    );
    const pool = new ClusterPool({ connection: redis.url, queue: 'kill', root });
    try {
      const call = pool.run(t.gate, latch.dir, 'k');
      await until(() => latch.started('k').length === 1, 'the call to start');
      const [first] = latch.started('k');
      const victim = workers.find((w) => w.pid === first) as WorkerProcess;
      const survivor = workers.find((w) => w.pid !== first) as WorkerProcess;
      victim.child.kill('SIGKILL');
      await victim.exited;
      await until(
        () => latch.started('k').length === 2,
        'the job to run again after the stall interval',
      );
      expect(latch.started('k')).toContain(survivor.pid);
      latch.go('k');
      expect(await call).toBe(survivor.pid);
      const stats = await pool.stats();
      expect(stats).toMatchObject({ completed: 1, failed: 0, pending: 0, queued: 0, active: 0 });
    } finally {
      await pool.close();
    }
  });

  it('on SIGTERM finishes its active job, then exits 0', async () => {
    const worker = await startWorkerProcess(args('term'));
    workers.push(worker);
    const pool = new ClusterPool({ connection: redis.url, queue: 'term', root });
    try {
      const call = pool.run(t.gate, latch.dir, 's');
      await until(() => latch.started('s').length === 1, 'the call to start');
      worker.child.kill('SIGTERM');
      await until(() => worker.stderr.includes('SIGTERM'), 'the worker to acknowledge SIGTERM');
      latch.go('s');
      expect(await call).toBe(worker.pid);
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect((await pool.stats()).workers).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('loses no call when Redis restarts mid-run (appendonly)', async () => {
    workers.push(await startWorkerProcess(args('restart')));
    const pool = new ClusterPool({ connection: redis.url, queue: 'restart', root });
    try {
      const running = pool.run(t.gate, latch.dir, 'r');
      await until(() => latch.started('r').length === 1, 'the call to start');
      const waiting = pool.map(t.square, [1, 2, 3, 4], { chunkSize: 1 });
      await until(async () => (await pool.stats()).queued === 4, 'the map to wait');
      await redis.stop();
      await redis.start();
      const during = pool.run(t.add, 20, 22);
      latch.go('r');
      expect(await running).toBe(workers[0]?.pid);
      expect(await waiting).toEqual([1, 4, 9, 16]);
      expect(await during).toBe(42);
    } finally {
      await pool.close();
    }
  });

  it('--processes runs the jobs in child processes', async () => {
    const worker = await startWorkerProcess([
      '--redis',
      redis.url,
      '--queue',
      'procs',
      '--root',
      rootPath,
      '--allow',
      'tasks.mjs',
      '--processes',
      '1',
    ]);
    workers.push(worker);
    await until(() => worker.stderr.includes('\n'), 'the line saying what it serves');
    expect(worker.stderr).toContain('1 processes');
    const pool = new ClusterPool({ connection: redis.url, queue: 'procs', root });
    try {
      const childPid = await pool.run(t.pid);
      expect(childPid).not.toBe(worker.pid);
      expect(await pool.map(t.square, [1, 2, 3])).toEqual([1, 4, 9]);
    } finally {
      await pool.close();
    }
  });

  it('a worker whose processes cannot start hands its job back to the queue, without using an attempt, and exits 1', async () => {
    const breaker = fileURLToPath(new URL('./fixtures/break-processes.cjs', import.meta.url));
    const broken = await startWorkerProcess([...args('broken').slice(0, -2), '--processes', '1'], {
      ...process.env,
      NODE_OPTIONS: `--require ${breaker}`,
    });
    workers.push(broken);
    const pool = new ClusterPool({ connection: redis.url, queue: 'broken', root });
    try {
      const call = pool.run(t.square, 7);
      let settled = false;
      void call.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      expect(await broken.exited).toEqual({ code: 1, signal: null });
      expect(broken.stderr).toContain('handed back to the queue: The pool is broken');
      // the call waits in Redis for a worker that can run it, its attempts intact
      const stats = await pool.stats();
      expect(stats).toMatchObject({ queued: 1, workers: 0 });
      expect(settled).toBe(false);
      const queue = new Queue('broken', { connection: { url: redis.url }, prefix: 'par' });
      try {
        const [job] = await queue.getWaiting();
        expect(job?.attemptsMade).toBe(0);
      } finally {
        await queue.close();
      }
      workers.push(await startWorkerProcess(args('broken')));
      expect(await call).toBe(49);
    } finally {
      await pool.close();
    }
  });

  it('a program exits by itself after pool.close()', async () => {
    workers.push(await startWorkerProcess(args('exit')));
    const producer = spawn(
      process.execPath,
      [fileURLToPath(new URL('./fixtures/producer.mjs', import.meta.url)), redis.url, 'exit'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    producer.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise((resolve) => producer.once('exit', resolve));
    expect(code).toBe(0);
    expect(out.trim()).toBe('[1,4,9]');
  });

  it('--help describes every flag with its default, on stdout', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toMatch(/--lock-duration ms .*\(default: 5000\)/);
    expect(stdout).toMatch(/--stalled-interval ms .*\(default: 5000\)/);
    expect(stdout).toMatch(/--max-stalled-count N [^-]*\(default: 1\)/);
    expect(stdout).toContain('par-worker ready');
  });

  it('rejects bad command lines with a usage message and exit code 2', async () => {
    const error = await startWorkerProcess(['--queue', 'x']).catch((e: Error) => e);
    expect(String(error)).toContain('exited with 2');
    expect(String(error)).toContain('--redis is required');
  });
});
