// What a ProcessPool says when a child dies: a child that ran out of memory is reported
// as such. What it says when a value does not travel (thrown values keep what can be
// kept, class instances that would arrive as {} are refused) is in
// @par/test-support/pool-cases, run on both transports by pool-cases.test.ts.
import { tasks, WorkerCrashedError } from '@par/processes';
import { describe, expect, it } from 'vitest';
import { poolsForEachTest } from './helpers.js';

type Tasks = typeof import('./fixtures/pool-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/pool-tasks.mjs', import.meta.url));

const pool = poolsForEachTest(1);

describe('ProcessPool: a child that runs out of memory', () => {
  it('under maxOldSpaceSize, with its stderr not read by the pool, is reported as out of memory', async () => {
    const p = pool({ maxOldSpaceSize: 16, stdio: 'ignore' });
    const error = await p.run(t.exhaustMemory).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect((error as Error).message).toMatch(
      /^Worker #1 ran out of memory while running task `exhaustMemory`/,
    );
    expect((error as WorkerCrashedError).signal).toBe('SIGABRT');
    expect(((error as Error).cause as Error).message).toContain('--max-old-space-size=16');
    expect(await p.run(t.square, 6)).toBe(36);
  });

  it("with stdio: 'pipe', V8's own words on stderr decide", async () => {
    const p = pool({ maxOldSpaceSize: 16, stdio: 'pipe' });
    p.stdout?.resume();
    p.stderr?.resume();
    const error = await p.run(t.exhaustMemory).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Worker #1 ran out of memory while running task/);
    expect(((error as Error).cause as Error).message).toContain('JavaScript heap out of memory');
    // a SIGABRT that is not about memory is not called one
    const aborted = await p.run(t.abortSelf).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(WorkerCrashedError);
    expect((aborted as Error).message).toMatch(
      /^Worker #2 was killed by SIGABRT while running task `abortSelf`/,
    );
  });
});
