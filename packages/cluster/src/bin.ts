#!/usr/bin/env node
// par-worker: consumes a par queue from the command line.
//   par-worker --redis redis://127.0.0.1:6379 --queue par --root ./ --allow tasks.js --threads 2

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConnection } from './connection.js';
import { startWorker, type WorkerOptions } from './worker.js';

const usage = `usage: par-worker --redis <url> --queue <name> --root <dir> --allow <module> [--allow <module> ...]
                  [--threads N | --processes N] [--prefix <prefix>] [--concurrency N]
                  [--lock-duration ms] [--stalled-interval ms] [--max-stalled-count N]
                  [--heartbeat-interval ms] [--max-payload-bytes N]`;

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
    process.stdout.write(`${usage}\n`);
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
