// The cluster section: with a redis-server on PATH it starts its own Redis and two
// par-worker processes; without one it says how to enable it and the tour goes on.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onPath } from '../src/sections/cluster.mjs';
import { primesBelow, runCli, tableAfter } from './run-cli.js';

describe('cluster section', () => {
  it('runs the Parallel calls on two par-workers over a redis-server of its own, with the same primes', async () => {
    if (!onPath('redis-server'))
      throw new Error(
        'No redis-server on PATH: this test starts its own on a free port. Install it with `sudo apt-get install -y redis-server` (`bash .ci/run` does when it runs as root).',
      );
    const result = await runCli(['--only', 'cluster', '--size', '0.01']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^\s+at /m);
    expect(result.stdout).toMatch(/par-worker --redis redis:\/\/127\.0\.0\.1:\d+ --queue par-demo/);
    const rows = tableAfter(result.stdout, 'run');
    expect(rows.map((r) => r.run)).toEqual([
      'Parallel({ nJobs: 1 }), this process',
      "Parallel({ backend: 'cluster', nJobs: 2 })",
    ]);
    const expected = primesBelow(20_000).toLocaleString('en-US');
    for (const row of rows) {
      expect(row.primes).toBe(expected);
      expect(row.onProgress).toBe('128/128');
    }
    expect(tableAfter(result.stdout, 'section')[0]?.section).toBe('✔ cluster');
  }, 180_000);

  it('without a redis-server on PATH says how to enable it and succeeds', async () => {
    const result = await runCli(['--only', 'cluster'], { PATH: '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No redis-server on PATH, so this section is skipped.');
    expect(result.stdout).toContain('sudo apt-get install redis-server');
    expect(tableAfter(result.stdout, 'section')).toEqual([
      {
        section: '✔ cluster',
        time: expect.any(String),
        result: 'skipped: no redis-server on PATH',
      },
    ]);
  }, 60_000);

  it('onPath finds an executable in one of the PATH directories and nothing elsewhere', () => {
    const node = process.execPath;
    const dir = node.slice(0, node.lastIndexOf('/'));
    const name = node.slice(node.lastIndexOf('/') + 1);
    expect(onPath(name, `/nonexistent:${dir}`)).toBe(node);
    expect(onPath(name, '/nonexistent')).toBeUndefined();
    expect(existsSync(node)).toBe(true);
  });
});
