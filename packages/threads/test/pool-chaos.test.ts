import { describe, expect, it } from 'vitest';
import { ThreadPool, TimeoutError, WorkerCrashedError } from '../dist/index.js';
import { t } from './pool-helpers.js';

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'ok' | 'throw' | 'reject' | 'exit' | 'timer' | 'abort' | 'timeout' | 'spin';

function pick(r: number): Kind {
  if (r < 0.72) return 'ok';
  if (r < 0.82) return 'throw';
  if (r < 0.87) return 'reject';
  if (r < 0.88) return 'exit';
  if (r < 0.89) return 'timer';
  if (r < 0.95) return 'abort';
  if (r < 0.995) return 'timeout';
  return 'spin';
}

describe('chaos', () => {
  it('every call settles with its expected outcome, the pool counts each call once, and close leaves no worker', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 20261122);
    const random = prng(seed);
    // the grace period only ends calls that ignore their signal (spin); a loaded machine may
    // take longer than a few ms to deliver a cooperative call's answer
    const pool = new ThreadPool({ maxWorkers: 2, gracePeriod: 200 });
    const n = 2000;
    const kinds: Kind[] = [];
    const reasons = new Map<number, Error>();
    const outcomes: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const kind = pick(random());
      kinds.push(kind);
      let call: Promise<unknown>;
      if (kind === 'abort') {
        const controller = new AbortController();
        const reason = new Error(`aborted ${i}`);
        reasons.set(i, reason);
        call = pool.run({ task: t.chaos, args: ['hang', i], signal: controller.signal });
        const delay = Math.floor(random() * 5);
        setTimeout(() => controller.abort(reason), delay);
      } else if (kind === 'timeout') {
        call = pool.run({
          task: t.chaos,
          args: ['hang', i],
          timeout: 20 + Math.floor(random() * 30),
        });
      } else if (kind === 'spin') {
        call = pool.run({ task: t.chaos, args: ['spin', i], timeout: 30 });
      } else {
        call = pool.run(t.chaos, kind, i);
      }
      outcomes.push(
        call.then(
          (value) => {
            expect(kind, `call ${i}`).toBe('ok');
            expect(value).toBe(i * 2);
          },
          (error: unknown) => {
            switch (kind) {
              case 'throw':
              case 'reject':
                expect((error as Error).message, `call ${i}`).toBe(`boom ${i}`);
                break;
              case 'exit':
                expect(error, `call ${i}`).toBeInstanceOf(WorkerCrashedError);
                expect((error as WorkerCrashedError).exitCode).toBe(3);
                break;
              case 'timer':
                expect(error, `call ${i}`).toBeInstanceOf(WorkerCrashedError);
                expect((error as Error).message).toContain(`timer ${i}`);
                break;
              case 'abort':
                expect(error, `call ${i}`).toBe(reasons.get(i));
                break;
              case 'timeout':
              case 'spin':
                expect(error, `call ${i}`).toBeInstanceOf(TimeoutError);
                break;
              default:
                throw new Error(
                  `call ${i} (${kind}) failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`,
                );
            }
          },
        ),
      );
    }
    await Promise.all(outcomes);
    // the engine counts a call when it settles it: the counts add up to the calls made
    const stats = pool.stats();
    expect(stats.completed + stats.failed).toBe(n);
    expect(stats.completed).toBe(kinds.filter((k) => k === 'ok').length);
    await pool.close();
    expect(pool.stats().workers).toBe(0);
  }, 120_000);
});
