import {
  BadJobError,
  ClusterPool,
  ConnectionLostError,
  PayloadTooLargeError,
  PoolClosedError,
  startWorker,
} from '@par/cluster';
import { type RedisServer, startRedis } from '@par/test-support/redis-server';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFailureForTest } from './decode.js';
import { latchDir, root, t, until } from './helpers.js';

let redis: RedisServer;

beforeEach(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await redis?.dispose();
});

async function clientCount(admin: Redis): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list.trim().split('\n').length;
}

describe('robustness', () => {
  it('fails a job with malformed data clearly and goes on with the next', async () => {
    const worker = await startWorker({
      connection: redis.url,
      queue: 'bad',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
    });
    const queue = new Queue('bad', { connection: { url: redis.url }, prefix: 'par' });
    const events = new QueueEvents('bad', { connection: { url: redis.url }, prefix: 'par' });
    const pool = new ClusterPool({ connection: redis.url, queue: 'bad', root });
    try {
      await events.waitUntilReady();
      const job = await queue.add('garbage', { hello: 'world' });
      const failure = await job.waitUntilFinished(events).then(
        () => undefined,
        (error: Error) => error,
      );
      const decoded = decodeFailureForTest(failure?.message ?? '', String(job.id));
      expect(decoded).toBeInstanceOf(BadJobError);
      expect((decoded as Error).message).toContain('Malformed job data');
      const undecodable = await queue.add('garbage', {
        v: 1,
        m: 'tasks.mjs',
        n: 'square',
        a: '!!!',
        k: 0,
      });
      const failure2 = await undecodable.waitUntilFinished(events).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(decodeFailureForTest(failure2?.message ?? '', String(undecodable.id))).toBeInstanceOf(
        BadJobError,
      );
      expect(await pool.run(t.square, 5)).toBe(25);
    } finally {
      await pool.close();
      await events.close();
      await queue.close();
      await worker.close();
    }
  });

  it('namespaces every key by prefix: pools and workers of different prefixes never meet', async () => {
    const admin = new Redis(redis.url);
    const a = await startWorker({
      connection: redis.url,
      queue: 'shared',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
      prefix: 'appA',
    });
    const poolA = new ClusterPool({ connection: redis.url, queue: 'shared', root, prefix: 'appA' });
    const poolB = new ClusterPool({ connection: redis.url, queue: 'shared', root, prefix: 'appB' });
    try {
      expect(await poolA.run(t.square, 6)).toBe(36);
      const waiting = poolB.run(t.square, 2);
      await until(async () => (await poolB.stats()).queued === 1, 'the appB job to wait');
      expect((await poolB.stats()).workers).toBe(0);
      expect((await poolA.stats()).workers).toBe(1);
      const keys = await admin.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.startsWith('appA:') || k.startsWith('appB:'))).toBe(true);
      const b = await startWorker({
        connection: redis.url,
        queue: 'shared',
        root,
        allow: ['tasks.mjs'],
        threads: 1,
        prefix: 'appB',
      });
      expect(await waiting).toBe(4);
      await b.close();
    } finally {
      await poolA.close();
      await poolB.close();
      await a.close();
      admin.disconnect();
    }
  });

  it('close() waits for pending calls, then releases every Redis connection', async () => {
    const admin = new Redis(redis.url);
    await admin.ping();
    const before = await clientCount(admin);
    const worker = await startWorker({
      connection: redis.url,
      queue: 'close',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
    });
    const latch = latchDir();
    try {
      const pool = new ClusterPool({ connection: redis.url, queue: 'close', root });
      const call = pool.run(t.gate, latch.dir, 'closing');
      await until(() => latch.started('closing').length === 1, 'the call to start');
      let closed = false;
      const closing = pool.close().then(() => {
        closed = true;
      });
      await expect(pool.run(t.square, 1)).rejects.toMatchObject({ code: 'PAR_POOL_CLOSED' });
      expect(closed).toBe(false);
      latch.go('closing');
      expect(await call).toBeTypeOf('number');
      await closing;
      await worker.close();
      // stopped by close(), not by itself
      expect(await worker.closed).toBeUndefined();
      await until(async () => (await clientCount(admin)) === before, 'the connections to close');
    } finally {
      latch.dispose();
      admin.disconnect();
    }
  });

  it("terminate() while Redis has not answered a call's addBulk yet removes that job too: nothing is left to run", async () => {
    const admin = new Redis(redis.url);
    const counts = new Queue('adding', { connection: { url: redis.url }, prefix: 'par' });
    const pool = new ClusterPool({ connection: redis.url, queue: 'adding', root });
    try {
      await pool.stats(); // connected
      // Redis holds every write until UNPAUSE: the job's addBulk is sent but not answered
      await admin.client('PAUSE', 60_000, 'WRITE');
      const call = pool.run(t.square, 3);
      await until(
        async () =>
          /flags=b .*cmd=(exec|eval|evalsha)\b/.test((await admin.client('LIST')) as string),
        'the addBulk to wait in Redis',
      );
      const terminated = pool.terminate();
      await expect(call).rejects.toBeInstanceOf(PoolClosedError);
      await admin.client('UNPAUSE');
      await terminated;
      const left = await counts.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      expect(left).toEqual({ wait: 0, active: 0, delayed: 0, prioritized: 0 });
    } finally {
      await admin.client('UNPAUSE');
      admin.disconnect();
      await counts.close();
      await pool.terminate();
    }
  });

  it('map, starmap, imap and imapUnordered after close() reject with PoolClosedError, as run does', async () => {
    const worker = await startWorker({
      connection: redis.url,
      queue: 'after-close',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
    });
    try {
      const pool = new ClusterPool({ connection: redis.url, queue: 'after-close', root });
      expect(await pool.map(t.square, [1, 2])).toEqual([1, 4]);
      await pool.close();
      const outcomes = await Promise.allSettled([
        pool.run(t.square, 1),
        pool.map(t.square, [1, 2]),
        pool.starmap(t.add, [[1, 2]]),
        pool.imap(t.square, [1, 2]).next(),
        pool.imapUnordered(t.square, [1, 2]).next(),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(PoolClosedError);
        expect(reason).toMatchObject({ code: 'PAR_POOL_CLOSED' });
      }
    } finally {
      await worker.close();
    }
  });

  it('a pool closed before it ever connected refuses maps and streams without opening a connection', async () => {
    const admin = new Redis(redis.url);
    await admin.ping();
    try {
      const before = await clientCount(admin);
      const pool = new ClusterPool({ connection: redis.url, queue: 'never', root });
      await pool.close();
      const outcomes = await Promise.allSettled([
        pool.map(t.square, [1, 2]),
        pool.starmap(t.add, [[1, 2]]),
        pool.imap(t.square, [1, 2]).next(),
        pool.imapUnordered(t.square, [1, 2]).next(),
        pool.run(t.square, 1),
      ]);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'PAR_POOL_CLOSED' } });
      }
      // the snapshot stays readable, from what the pool knew, without connecting
      expect(await pool.fetchStats()).toMatchObject({ completed: 0, failed: 0, updatedAt: 0 });
      expect(await pool.stats()).toMatchObject({ pending: 0, updatedAt: 0 });
      // a connection opened by any of these would be listed by now: each one
      // settled only after its connection answered
      expect(await clientCount(admin)).toBe(before);
    } finally {
      admin.disconnect();
    }
  });

  it('rejects pending calls with ConnectionLostError when Redis stays down past connectionTimeout', async () => {
    const pool = new ClusterPool({
      connection: redis.url,
      queue: 'lost',
      root,
      connectionTimeout: 300,
    });
    expect((await pool.stats()).pending).toBe(0);
    await redis.stop();
    const error = await pool.run(t.square, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error).toMatchObject({ code: 'PAR_CONNECTION_LOST' });
    await pool.close();
  });

  it('map, starmap and imap reject with ConnectionLostError when Redis stays down past connectionTimeout, and their signal stops them', async () => {
    const pool = new ClusterPool({
      connection: redis.url,
      queue: 'lost-map',
      root,
      connectionTimeout: 300,
    });
    expect((await pool.stats()).pending).toBe(0);
    await redis.stop();
    // with chunkSize 'auto' each first asks Redis for the live workers
    const controller = new AbortController();
    const aborted = pool.map(t.square, [1, 2, 3], { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const outcomes = await Promise.all([
      pool.map(t.square, [1, 2, 3]).catch((e: unknown) => e),
      pool.starmap(t.square, [[1], [2]]).catch((e: unknown) => e),
      pool
        .imap(t.square, [1, 2, 3])
        .next()
        .catch((e: unknown) => e),
    ]);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(ConnectionLostError);
    await pool.terminate();
  });

  it('an outage that begins while close() waits for pending calls rejects them past connectionTimeout, and close() resolves', async () => {
    const pool = new ClusterPool({
      connection: redis.url,
      queue: 'lost-closing',
      root,
      connectionTimeout: 300,
    });
    // no worker: the call waits in Redis, and close() waits for it
    const call = pool.run(t.square, 2).catch((e: unknown) => e);
    while ((await pool.stats()).queued === 0);
    const closed = pool.close();
    await redis.stop();
    expect(await call).toBeInstanceOf(ConnectionLostError);
    await closed;
  });
});

describe('connections and limits', () => {
  it('works with a password in the Redis URL, and refuses a wrong one', async () => {
    const secured = await startRedis({ password: 's3cret' });
    const worker = await startWorker({
      connection: secured.url,
      queue: 'auth',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
    });
    const pool = new ClusterPool({ connection: secured.url, queue: 'auth', root });
    const wrong = new ClusterPool({
      connection: `redis://:wrong@127.0.0.1:${secured.port}`,
      queue: 'auth',
      root,
      connectionTimeout: 300,
    });
    try {
      expect(await pool.run(t.square, 8)).toBe(64);
      // Redis' own refusal reaches the caller; nothing hangs
      await expect(wrong.run(t.square, 8)).rejects.toThrow(/WRONGPASS|NOAUTH/);
    } finally {
      await wrong.terminate();
      await pool.close();
      await worker.close();
      await secured.dispose();
    }
  });

  it('refuses intervals longer than a timer can wait (2^31 - 1 ms) with a RangeError naming them', async () => {
    for (const name of ['heartbeatInterval', 'lockDuration', 'stalledInterval'] as const) {
      await expect(
        startWorker({
          connection: redis.url,
          queue: 'intervals',
          root,
          allow: ['tasks.mjs'],
          threads: 1,
          [name]: 2 ** 31,
        }),
      ).rejects.toThrow(
        new RangeError(
          `Expected \`${name}\` to be a finite number >= 1 and <= 2147483647, got \`2147483648\` (number)`,
        ),
      );
    }
  });

  it('a worker that cannot start (a wrong password) rejects and leaves no connection, pool or timer behind', async () => {
    const secured = await startRedis({ password: 's3cret' });
    const open = () =>
      process
        .getActiveResourcesInfo()
        .filter((r) => r === 'TCPSocketWrap' || r === 'Timeout' || r === 'MessagePort').length;
    const before = open();
    try {
      await expect(
        startWorker({
          connection: `redis://:wrong@127.0.0.1:${secured.port}`,
          queue: 'auth-fails',
          root,
          allow: ['tasks.mjs'],
          threads: 1,
        }),
      ).rejects.toThrow(/WRONGPASS|NOAUTH/);
      // what it opened (two Redis connections, a thread pool, their timers) closes; the
      // sockets close a few event-loop turns after the rejection (the test's timeout
      // bounds the wait: without the clean-up, reconnect timers keep them open for ever)
      while (open() > before) await new Promise((resolve) => setImmediate(resolve));
      expect(open()).toBeLessThanOrEqual(before);
    } finally {
      await secured.dispose();
    }
  });

  it("fails a call whose result is above the worker's maxPayloadBytes", async () => {
    const worker = await startWorker({
      connection: redis.url,
      queue: 'result-size',
      root,
      allow: ['tasks.mjs'],
      threads: 1,
      maxPayloadBytes: 1000,
    });
    const pool = new ClusterPool({ connection: redis.url, queue: 'result-size', root });
    try {
      const error = await pool.run(t.text, 5000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error).toMatchObject({ code: 'PAR_PAYLOAD_TOO_LARGE', limit: 1000 });
      expect((error as Error).message).toContain('result of text');
      expect(await pool.run(t.text, 10)).toBe('x'.repeat(10));
    } finally {
      await pool.close();
      await worker.close();
    }
  });
});
