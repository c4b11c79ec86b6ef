// Each section of the tour, run through the command line with a small size: the
// table it prints has the expected rows, and the results in it are right. Timings
// are only checked for their form, never for their value.
import { describe, expect, it } from 'vitest';
import { primesBelow, runCli, tableAfter } from './run-cli.js';

const TIME = /^\d+(\.\d+)? (ms|s)$/;
const SPEED_UP = /^\d+(\.\d+)?×$/;

/** What every successful run shares: exit code 0, plain lines, no stack, a summary. */
function expectCleanRun(result: { code: number; stdout: string; stderr: string }, id: string) {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/^\s+at /m); // no stack trace
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that no escape codes are printed
  expect(result.stdout).not.toMatch(/\r|\u001b\[/); // no progress bar off a terminal
  const summary = tableAfter(result.stdout, 'section');
  expect(summary).toEqual([
    { section: `✔ ${id}`, time: expect.stringMatching(TIME), result: expect.any(String) },
  ]);
  expect(result.stdout).toContain('npx -y pnpm@10 --filter @par/demo web');
  return summary[0]?.result ?? '';
}

describe('the tour, section by section', () => {
  it('cpu: every run counts the same primes, on the number of workers asked for', async () => {
    const result = await runCli(['--only', 'cpu', '--size', '0.01', '--workers', '3']);
    expectCleanRun(result, 'cpu');
    expect(result.stdout).toContain('Counting the primes below 30,000 in 64 ranges');
    const rows = tableAfter(result.stdout, 'run');
    expect(rows.map((r) => r.run)).toEqual([
      'sequential (one thread)',
      'ThreadPool.map',
      'ProcessPool.map',
      'Parallel (threads)',
    ]);
    const expected = primesBelow(30_000).toLocaleString('en-US');
    for (const row of rows) {
      expect(row.primes).toBe(expected);
      expect(row.time).toMatch(TIME);
      expect(row['speed-up']).toMatch(SPEED_UP);
    }
    expect(rows.map((r) => r.workers)).toEqual(['1', '3', '3', '3']);
    expect(rows[0]?.['speed-up']).toBe('1.00×');
  }, 180_000);

  it('io: every request answered once, and the server never sees more in flight than the limit', async () => {
    const result = await runCli(['--only', 'io', '--size', '0.2']);
    const summary = expectCleanRun(result, 'io');
    expect(result.stdout).toMatch(
      /20 GET requests to http:\/\/127\.0\.0\.1:\d+\/, which answers each after 25 ms/,
    );
    const rows = tableAfter(result.stdout, 'run');
    expect(rows.map((r) => r.run)).toEqual([
      'one at a time (await in a loop)',
      'limit(10)',
      'limit(50)',
      'RateLimiter 10 per 100 ms',
    ]);
    const inFlight = rows.map((r) => Number(r['most in flight']));
    expect(inFlight[0]).toBe(1);
    expect(inFlight[1]).toBeGreaterThanOrEqual(1);
    expect(inFlight[1]).toBeLessThanOrEqual(10);
    expect(inFlight[2]).toBeLessThanOrEqual(20); // 20 requests in all
    for (const row of rows) expect(row['speed-up']).toMatch(SPEED_UP);
    expect(summary).toMatch(/^20 requests: /);
  }, 180_000);

  it('pipeline: the worker threads handle every job once and the queue stays within its maxsize', async () => {
    const result = await runCli(['--only', 'pipeline', '--size', '0.05', '--workers', '2']);
    expectCleanRun(result, 'pipeline');
    const rows = tableAfter(result.stdout, 'run');
    expect(rows.map((r) => r.run)).toEqual(['sequential (main thread)', 'Queue → worker threads']);
    // 6 jobs of 20,000 numbers from 1,000,000
    const expected = (primesBelow(1_120_000) - primesBelow(1_000_000)).toLocaleString('en-US');
    for (const row of rows) {
      expect(row.jobs).toBe('6');
      expect(row.primes).toBe(expected);
    }
    expect(rows[1]?.workers).toBe('2');
    const [most, maxsize] = (rows[1]?.['queue at most'] ?? '').split('/').map(Number);
    expect(maxsize).toBe(8);
    expect(most).toBeLessThanOrEqual(8);
    const perThread = result.stdout.match(/thread 1 took (\d+), thread 2 took (\d+)\./);
    expect(Number(perThread?.[1]) + Number(perThread?.[2])).toBe(6);
    expect(result.stdout).toMatch(/Queue fill level over the run: ▕[▁▂▃▄▅▆▇█]+▏/);
  }, 180_000);

  it('faults: a crash, an out-of-memory and a timeout each give a typed error, and both pools go on', async () => {
    const result = await runCli(['--only', 'faults', '--workers', '2']);
    const summary = expectCleanRun(result, 'faults');
    const rows = tableAfter(result.stdout, 'pool');
    expect(rows.map((r) => [r.pool, r.task, r['rejected with']])).toEqual([
      ['ThreadPool', 'process.exit(3)', 'WorkerCrashedError'],
      ['ThreadPool', 'out of memory', 'WorkerCrashedError'],
      ['ThreadPool', 'endless loop', 'TimeoutError'],
      ['ProcessPool', 'process.exit(3)', 'WorkerCrashedError'],
      ['ProcessPool', 'out of memory', 'WorkerCrashedError'],
      ['ProcessPool', 'endless loop', 'TimeoutError'],
    ]);
    expect(rows[0]?.details).toBe('exit code 3');
    expect(rows[1]?.details).toMatch(/^out of memory/);
    expect(rows[3]?.details).toBe('exit code 3');
    for (const row of rows) {
      expect(row['beside it']).toBe('10/10 ok');
      expect(row['next call']).toBe('square(7) = 49');
    }
    expect(summary).toBe(
      '6 faults, 6 typed errors; 60/60 calls beside them answered, both pools kept serving',
    );
  }, 180_000);

  it('parallel: Parallel counts the same primes with nJobs 1, on threads and on processes, and reports every call to onProgress', async () => {
    const result = await runCli(['--only', 'parallel', '--size', '0.01', '--workers', '2']);
    expectCleanRun(result, 'parallel');
    expect(result.stdout).toContain('128 delayed calls counting the primes below 20,000');
    const rows = tableAfter(result.stdout, 'run');
    expect(rows.map((r) => r.run)).toEqual([
      'Parallel({ nJobs: 1 })',
      'Parallel({ nJobs: 2 })',
      "Parallel({ nJobs: 2, backend: 'processes' })",
    ]);
    const expected = primesBelow(20_000).toLocaleString('en-US');
    for (const row of rows) {
      expect(row.primes).toBe(expected);
      expect(row.onProgress).toBe('128/128');
      expect(row['speed-up']).toMatch(SPEED_UP);
    }
  }, 180_000);
});
