import { join } from 'node:path';
import { ClusterPool, ConnectionLostError, startWorker } from '@par/cluster';
import { type RedisServer, startRedis } from '@par/test-support/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, startWorkerProcess, t, until, type WorkerProcess } from './helpers.js';

// A redis-server that speaks TLS only (a certificate from a throwaway CA made with
// openssl) and asks for a password.
let secured: RedisServer;
const password = 'tls-s3cret';

beforeAll(async () => {
  secured = await startRedis({ tls: true, password });
});

afterAll(async () => {
  await secured?.dispose();
});

describe('connections', () => {
  it('serves calls over rediss:// with a password: a par-worker given the URL, a pool given the URL and the CA', async () => {
    expect(secured.url).toMatch(/^rediss:\/\/:tls-s3cret@127\.0\.0\.1:\d+$/);
    // the worker trusts the CA the way a deployment would: NODE_EXTRA_CA_CERTS
    const worker: WorkerProcess = await startWorkerProcess(
      [
        ...['--redis', secured.url, '--queue', 'tls', '--root', new URL(root).pathname],
        ...['--allow', 'tasks.mjs', '--threads', '1'],
      ],
      { ...process.env, NODE_EXTRA_CA_CERTS: join(secured.dir, 'ca.crt') },
    );
    // the printed URL (on stderr, with what it serves) hides the password
    await until(() => worker.stderr.includes('\n'), 'the line saying what it serves');
    expect(worker.stderr).toContain(`rediss://:***@127.0.0.1:${secured.port}`);
    expect(worker.stderr).not.toContain(password);
    const pool = new ClusterPool({
      connection: { url: secured.url, tls: { ca: secured.ca as string } },
      queue: 'tls',
      root,
    });
    try {
      expect(await pool.run(t.square, 12)).toBe(144);
      expect(await pool.map(t.square, [1, 2, 3])).toEqual([1, 4, 9]);
      expect(await pool.run(t.pid)).toBe(worker.pid);
    } finally {
      await pool.close();
      const exited = worker.exited;
      worker.child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    }
  });

  it('startWorker takes ioredis options with tls; the plain redis:// scheme is not served by a TLS-only Redis', async () => {
    const worker = await startWorker({
      connection: { host: '127.0.0.1', port: secured.port, password, tls: { ca: secured.ca } },
      queue: 'tls-options',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
    });
    const pool = new ClusterPool({
      connection: { url: secured.url, tls: { ca: secured.ca as string } },
      queue: 'tls-options',
      root,
    });
    const plain = new ClusterPool({
      connection: `redis://:${password}@127.0.0.1:${secured.port}`,
      queue: 'tls-options',
      root,
      connectionTimeout: 300,
    });
    try {
      expect(await pool.run(t.add, 2, 3)).toBe(5);
      await expect(plain.run(t.square, 2)).rejects.toBeInstanceOf(ConnectionLostError);
    } finally {
      await plain.terminate();
      await pool.close();
      await worker.close();
    }
  });

  it('rejects a connection that is neither a redis URL nor options, naming the option', () => {
    expect(() => new ClusterPool({ connection: 'http://x', queue: 'q', root })).toThrow(
      /connection.*redis:\/\/ or rediss:\/\//,
    );
    expect(
      () => new ClusterPool({ connection: { url: 'http://x' } as never, queue: 'q', root }),
    ).toThrow(/connection\.url.*redis:\/\/ or rediss:\/\//);
  });
});
