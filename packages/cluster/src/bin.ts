#!/usr/bin/env node
// par-worker: consumes a par queue from the command line.
//   par-worker --redis redis://127.0.0.1:6379 --queue par --root ./ --allow tasks.js --threads 2

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConnection } from './connection.js';
import {
  DEFAULT_LOCK_DURATION,
  DEFAULT_STALLED_INTERVAL,
  startWorker,
  type WorkerOptions,
} from './worker.js';

const usage = `usage: par-worker --redis <url> --queue <name> --root <dir> --allow <module> [--allow <module> ...]
                  [--threads N | --processes N] [--prefix <prefix>] [--concurrency N]
                  [--lock-duration ms] [--stalled-interval ms] [--max-stalled-count N]
                  [--heartbeat-interval ms] [--max-payload-bytes N]`;

const help = `${usage}

Consumes a par queue: runs the calls of ClusterPools on a local ThreadPool or ProcessPool.
Prints one line "par-worker ready" on stdout once it consumes jobs; everything else goes
to stderr. SIGTERM or SIGINT: stops taking jobs, finishes the active ones, exits 0. When
its threads or processes cannot start, it hands its jobs back to the queue and exits 1.

  --redis <url>              Redis URL (redis://:password@host:6379/0, rediss:// for TLS)
  --queue <name>             the queue to consume
  --root <dir>               the code root job module paths resolve against
  --allow <module>           a module it runs: a path relative to --root, or a package
                             specifier resolved from --root (repeat for more)
  --threads N                run jobs on a ThreadPool of N threads (default: the CPU count)
  --processes N              run jobs on a ProcessPool of N processes instead
  --prefix <prefix>          Redis key namespace, as the pools' (default: par)
  --concurrency N            jobs taken at once (default: the pool's size)
  --lock-duration ms         how long a job's lock lasts unrenewed (default: ${DEFAULT_LOCK_DURATION});
                             it is renewed every half of it while the job runs
  --stalled-interval ms      between checks for jobs whose worker died (default: ${DEFAULT_STALLED_INTERVAL});
                             a killed worker's job runs again on another worker within
                             about lock-duration + stalled-interval
  --max-stalled-count N      how often a job may lose its worker and run again before it
                             fails with JobFailedError (default: 1)
  --heartbeat-interval ms    between heartbeats; gone after three missed (default: 5000)
  --max-payload-bytes N      the largest encoded result (default: 16777216)
  -h, --help                 this text`;

function fail(message: string): never {
  process.stderr.write(`par-worker: ${message}\n${usage}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} expects a whole number, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        redis: { type: 'string' },
        queue: { type: 'string' },
        root: { type: 'string' },
        allow: { type: 'string', multiple: true },
        threads: { type: 'string' },
        processes: { type: 'string' },
        prefix: { type: 'string' },
        concurrency: { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'max-stalled-count': { type: 'string' },
        'heartbeat-interval': { type: 'string' },
        'max-payload-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return;
  }
  const redis = values.redis as string | undefined;
  const queue = values.queue as string | undefined;
  const root = values.root as string | undefined;
  const allow = values.allow as string[] | undefined;
  if (redis === undefined) fail('--redis is required');
  if (queue === undefined) fail('--queue is required');
  if (root === undefined) fail('--root is required');
  if (allow === undefined || allow.length === 0) fail('--allow is required (one per module)');
  const options: WorkerOptions = { connection: redis, queue, root: resolve(root), allow };
  const set = (key: keyof WorkerOptions, flag: string) => {
    const n = integer(flag, values[flag] as string | undefined);
    if (n !== undefined) (options as unknown as Record<string, unknown>)[key] = n;
  };
  set('threads', 'threads');
  set('processes', 'processes');
  set('concurrency', 'concurrency');
  set('lockDuration', 'lock-duration');
  set('stalledInterval', 'stalled-interval');
  set('maxStalledCount', 'max-stalled-count');
  set('heartbeatInterval', 'heartbeat-interval');
  set('maxPayloadBytes', 'max-payload-bytes');
  if (values.prefix !== undefined) options.prefix = values.prefix as string;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker(options);
  } catch (error) {
    fail((error as Error).message);
  }
  const pool =
    options.processes !== undefined
      ? `${options.processes} processes`
      : `${options.threads ?? 'cpuCount()'} threads`;
  // stdout carries the one line a supervisor waits for; what it serves goes to stderr
  process.stderr.write(
    `par-worker ${worker.id}: queue "${queue}" (prefix "${options.prefix ?? 'par'}") on ${
      resolveConnection('--redis', redis).label
    }, root ${options.root}, allow ${worker.allow
      .map((m) => {
        const url = worker.packages.get(m);
        return url === undefined ? m : `${m} (package: ${url})`;
      })
      .join(', ')}, ${pool}, concurrency ${worker.concurrency}\n`,
  );
  process.stdout.write('par-worker ready\n');
  // stopped by itself (its pool broke, its jobs handed back): a supervisor restarts it
  void worker.closed.then((error) => {
    if (error === undefined) return;
    process.stderr.write(
      `par-worker: stopped, its jobs handed back to the queue: ${error.message}\n`,
    );
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`par-worker: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`par-worker: ${signal}, finishing active jobs\n`);
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`par-worker: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`par-worker: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
