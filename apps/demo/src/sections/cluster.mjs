// Section "cluster": the Parallel run of the "parallel" section on @par/cluster, with
// a redis-server of its own on a free loopback port and two par-worker processes (as
// two machines would run them). Without a redis-server on PATH it says how to enable it.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// importing @par/cluster registers its 'cluster' backend with @par/joblib-style
import '@par/cluster';
import { delayed, Parallel } from '@par/joblib-style';
import { check } from '../check.mjs';
import { count, duration, plural, since, speedUp } from '../format.mjs';
import { t } from '../task-refs.mjs';
import { splitRange } from './cpu.mjs';

const BASE_LIMIT = 2_000_000;
const CALLS = 128;
const WORKERS = 2;
const QUEUE = 'par-demo';
const ROOT = new URL('../', import.meta.url);

/**
 * The path of the executable `name` in one of `path`'s directories, or undefined.
 * @param {string} name
 * @param {string} [path]
 */
export function onPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

/** A loopback port nobody listens on right now. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}

/**
 * Starts a child and resolves once a line of its stdout matches `ready`; its output
 * is kept, to show if it fails.
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {RegExp} ready
 */
function startChild(label, command, args, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const started = new Promise((resolve, reject) => {
    const onData = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      if (ready.test(output)) resolve(undefined);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${label} exited (${signal ?? code}) before it was ready:\n${output}`)),
    );
  });
  const exited = new Promise((resolve) => child.once('exit', () => resolve(undefined)));
  return {
    started,
    /** Asks it to stop (SIGTERM) and waits until it exited. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The par-worker script of the installed @par/cluster. */
function parWorkerBin() {
  const manifest = createRequire(import.meta.url).resolve('@par/cluster/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin['par-worker']);
}

/** @type {import('../sections.mjs').Section} */
export const clusterSection = {
  id: 'cluster',
  title: 'The same Parallel run across processes, on @par/cluster',
  about: `Parallel({ backend: 'cluster' }) on a local redis-server and ${WORKERS} par-worker processes`,
  async run({ size, cores, out }) {
    const redisServer = onPath('redis-server');
    if (!redisServer) {
      out.line('No redis-server on PATH, so this section is skipped. To see it, install Redis');
      out.line(
        '(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and run',
      );
      out.line(
        'npx -y pnpm@10 demo --only cluster: it starts its own redis-server on a free port.',
      );
      return 'skipped: no redis-server on PATH';
    }
    const limit = Math.max(1_000, Math.round(BASE_LIMIT * size));
    const ranges = splitRange(limit, CALLS);
    const port = await freePort();
    const connection = `redis://127.0.0.1:${port}`;
    out.line(`${redisServer} on port ${port}, and ${WORKERS} workers started as a shell would:`);
    out.line(
      `par-worker --redis ${connection} --queue ${QUEUE} --root apps/demo/src --allow tasks.mjs --threads 1`,
    );
    out.line('');
    const redis = startChild(
      'redis-server',
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      /Ready to accept connections/,
    );
    const workers = [];
    try {
      await redis.started;
      for (let i = 0; i < WORKERS; i++)
        workers.push(
          startChild(
            `par-worker ${i + 1}`,
            process.execPath,
            [
              parWorkerBin(),
              ...['--redis', connection, '--queue', QUEUE, '--root', fileURLToPath(ROOT)],
              ...['--allow', 'tasks.mjs', '--threads', '1'],
            ],
            /par-worker ready/,
          ),
        );
      await Promise.all(workers.map((w) => w.started));
      out.line(
        `${count(ranges.length)} delayed calls counting the primes below ${count(limit)}; ${plural(cores, 'core')} here.`,
      );
      out.line('');

      const calls = () => ranges.map((range) => delayed(t.countPrimesInRange)(range));
      const runs = [
        { label: 'Parallel({ nJobs: 1 }), this process', options: { nJobs: 1 } },
        {
          label: `Parallel({ backend: 'cluster', nJobs: ${WORKERS} })`,
          options: { backend: 'cluster', nJobs: WORKERS, connection, queue: QUEUE, root: ROOT },
        },
      ];
      const rows = [];
      /** @type {number | undefined} */
      let baseline;
      /** @type {number | undefined} */
      let expected;
      let clusterSpeedUp = '';
      for (const run of runs) {
        let done = 0;
        // on a terminal the bar (drawn by Parallel on stderr) gets a name
        if (out.live) out.line(`${run.label}:`);
        const parallel = new Parallel({
          ...run.options,
          progress: true,
          onProgress: (/** @type {{ done: number }} */ p) => {
            done = p.done;
          },
        });
        let time;
        let counts;
        try {
          // the instance connects (or starts its workers) on its first call: not timed
          await parallel([delayed(t.square)(2)]);
          const started = performance.now();
          counts = await parallel(calls());
          time = since(started);
        } finally {
          await parallel[Symbol.asyncDispose]();
        }
        const primes = counts.reduce((a, b) => a + b, 0);
        expected ??= primes;
        check(primes === expected, `${run.label} counted ${primes} primes, nJobs 1 ${expected}`);
        check(done === ranges.length, `${run.label} reported ${done} of ${ranges.length} calls`);
        baseline ??= time;
        clusterSpeedUp = speedUp(baseline / time);
        rows.push([
          run.label,
          duration(time),
          speedUp(baseline / time),
          count(primes),
          `${done}/${ranges.length}`,
        ]);
      }
      out.table(
        [
          { header: 'run' },
          { header: 'time', align: 'right' },
          { header: 'speed-up', align: 'right' },
          { header: 'primes', align: 'right' },
          { header: 'onProgress', align: 'right' },
        ],
        rows,
      );
      out.line('');
      out.line(
        'Each call travels through Redis as a job (task module path + export name + arguments);',
      );
      out.line('on separate machines, start par-worker on each with the same --redis.');
      return `${count(ranges.length)} calls on ${WORKERS} par-workers over Redis: ${clusterSpeedUp} over one thread, same primes`;
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await redis.stop();
    }
  },
};
