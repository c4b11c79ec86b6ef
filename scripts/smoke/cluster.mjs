// Smoke test of the installed @par/cluster tarball: the exports load, inline
// functions are refused, the par-worker bin answers, and — when redis-server is
// installed — a call makes the round trip through a worker.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterPool, InlineRemoteError, startWorker, tasks } from '@par/cluster';

const bin = join('node_modules', '.bin', 'par-worker');
assert.match(execFileSync(bin, ['--help'], { encoding: 'utf8' }), /usage: par-worker/);

const root = new URL('./', import.meta.url);
const offline = new ClusterPool({ connection: 'redis://127.0.0.1:1', queue: 'smoke', root });
await assert.rejects(
  offline.run((n) => n, 1),
  InlineRemoteError,
);
await offline.terminate();

let hasRedis = true;
try {
  execFileSync('redis-server', ['--version']);
} catch {
  hasRedis = false;
}
if (hasRedis) {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'par-smoke-redis-'));
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise((resolve) => {
    let out = '';
    redis.stdout.on('data', (c) => {
      out += c;
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  const connection = `redis://127.0.0.1:${port}`;
  try {
    const worker = await startWorker({
      connection,
      queue: 'smoke',
      root,
      allow: ['threads-tasks.mjs'],
      threads: 1,
    });
    const pool = new ClusterPool({ connection, queue: 'smoke', root });
    const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));
    assert.deepEqual(await pool.map(t.square, [1, 2, 3]), [1, 4, 9]);
    await pool.close();
    await worker.close();
  } finally {
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`@par/cluster smoke OK${hasRedis ? '' : ' (no redis-server: round trip skipped)'}`);
