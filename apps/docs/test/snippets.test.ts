// Every code sample the docs show lives in snippets/ and runs here, as a user would
// run it: in its own Node process (TypeScript through tsx), which must exit with 0.
// Samples that read REDIS_URL (the @par/cluster ones) get a redis-server of their own.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RedisServer, startRedis } from '@par/test-support/redis-server';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../snippets/', import.meta.url));
// task modules used by other snippets are not samples of their own
const snippets = readdirSync(dir).filter((f) => /\.(ts|mjs)$/.test(f) && !/(^|-)tasks?\./.test(f));
const needsRedis = (file: string) =>
  readFileSync(`${dir}${file}`, 'utf8').includes('process.env.REDIS_URL');

// started by the first sample that needs it; a missing redis-server fails those samples
let redis: Promise<RedisServer> | undefined;
let started: RedisServer | undefined;
afterAll(async () => {
  await started?.dispose();
});

describe('docs snippets', () => {
  it('finds the snippets, the @par/cluster recipe among them', () => {
    expect(snippets.length).toBeGreaterThan(0);
    expect(snippets.filter(needsRedis)).toContain('recipe-cluster.mjs');
  });

  it.each(snippets)(
    '%s runs to completion',
    async (file) => {
      const env = { ...process.env };
      if (needsRedis(file)) {
        redis ??= startRedis();
        started = await redis;
        env.REDIS_URL = started.url;
      }
      const args = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
      const { stderr } = await run(process.execPath, args, { cwd: dir, env, timeout: 60_000 });
      expect(stderr).not.toMatch(/Error|Warning/);
    },
    90_000,
  );
});
