import { TimeoutError } from '@par/async';
import { ProcessPool, tasks, WorkerCrashedError } from '@par/processes';
import { describe, expect, it, vi } from 'vitest';
import { isRunning } from './helpers.js';

const t = tasks<typeof import('./fixtures/pool-tasks.mjs')>(
  new URL('./fixtures/pool-tasks.mjs', import.meta.url),
);

// a small seeded generator, so a failure can be replayed
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'ok' | 'throw' | 'crash' | 'hang' | 'wait' | 'preAborted';

describe('chaos', () => {
  it('300 calls with injected crashes, timeouts and aborts each settle with the right outcome, counted once by the pool', async () => {
    const seed = 20261122;
    const random = mulberry32(seed);
    const pool = new ProcessPool({ maxWorkers: 2, gracePeriod: 100 });
    const kinds: Kind[] = [];
    for (let i = 0; i < 300; i++) {
      const r = random();
      kinds.push(
        r < 0.02
          ? 'crash'
          : r < 0.035
            ? 'hang'
            : r < 0.13
              ? 'throw'
              : r < 0.2
                ? 'wait'
                : r < 0.23
                  ? 'preAborted'
                  : 'ok',
      );
    }
    const reasons = kinds.map((_, i) => new Error(`abort ${i}`));
    const calls = kinds.map((kind, i) => {
      let promise: Promise<unknown>;
      if (kind === 'hang') {
        promise = pool.run({ task: t.chaos, args: ['hang', i], timeout: 100 });
      } else if (kind === 'wait') {
        const controller = new AbortController();
        promise = pool.run({ task: t.chaos, args: ['wait', i], signal: controller.signal });
        // aborted while queued or while running: the outcome is the same
        setTimeout(() => controller.abort(reasons[i]), Math.floor(random() * 40));
      } else if (kind === 'preAborted') {
        promise = pool.run({
          task: t.chaos,
          args: ['ok', i],
          signal: AbortSignal.abort(reasons[i]),
        });
      } else {
        promise = pool.run(t.chaos, kind, i);
      }
      return promise.then(
        (value) => {
          return { ok: true as const, value };
        },
        (error: unknown) => {
          return { ok: false as const, error };
        },
      );
    });
    const outcomes = await Promise.all(calls);
    // the engine counts a call when it settles it: the counts add up to the calls made
    const counted = pool.stats();
    expect(counted.completed + counted.failed).toBe(kinds.length);

    let givenUp = 0;
    outcomes.forEach((outcome, i) => {
      const kind = kinds[i] as Kind;
      const context = `call ${i} (${kind}, seed ${seed})`;
      switch (kind) {
        case 'ok':
          // a call requeued more than 3 times behind crashing neighbours is given up
          if (!outcome.ok && outcome.error instanceof WorkerCrashedError) givenUp++;
          else expect(outcome, context).toEqual({ ok: true, value: i });
          break;
        case 'throw':
          expect(outcome.ok, context).toBe(false);
          expect((outcome as { error: Error }).error.message, context).toBe(`failed ${i}`);
          break;
        case 'crash':
          expect(outcome.ok, context).toBe(false);
          expect((outcome as { error: unknown }).error, context).toBeInstanceOf(WorkerCrashedError);
          expect((outcome as { error: WorkerCrashedError }).error.exitCode, context).toBe(70);
          break;
        case 'hang':
          expect((outcome as { error: unknown }).error, context).toBeInstanceOf(TimeoutError);
          break;
        case 'wait':
        case 'preAborted':
          expect((outcome as { error: unknown }).error, context).toBe(reasons[i]);
          break;
      }
    });
    expect(givenUp).toBeLessThanOrEqual(kinds.filter((k) => k === 'crash').length);

    // the pool still serves, and after close() no child is left
    const pids = await Promise.all([pool.run(t.pid), pool.run(t.pid)]);
    // An aborted or timed-out call has settled for its caller, but its child may still be
    // finishing it (cooperatively, or until the grace-period kill): the engine counts it as
    // running until the child reports or dies. It must drop to zero, never leak.
    await vi.waitFor(() => expect(pool.stats().running).toBe(0), { timeout: 10_000, interval: 20 });
    expect(pool.stats().queued).toBe(0);
    await pool.close();
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  }, 120_000);
});
