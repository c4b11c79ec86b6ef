import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Lock, Semaphore } from '../src/index.js';

// Async "threads" on the main thread: each holder yields a few times while
// holding, so interleavings vary with the generated schedule.
async function yieldTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('shared primitive properties (main thread, async forms)', () => {
  it('a Semaphore never admits more holders than its value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 }),
        async (value, holds) => {
          const sem = new Semaphore(value);
          let active = 0;
          let peak = 0;
          await Promise.all(
            holds.map(async (n) => {
              await sem.acquire();
              active++;
              peak = Math.max(peak, active);
              await yieldTimes(n);
              active--;
              sem.release();
            }),
          );
          expect(peak).toBeLessThanOrEqual(value);
          expect(sem.value).toBe(value);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a Lock admits one holder at a time and every waiter gets it once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 }),
        async (holds) => {
          const lock = new Lock();
          let inside = 0;
          let entries = 0;
          await Promise.all(
            holds.map(async (n) => {
              await lock.acquire();
              inside++;
              entries++;
              expect(inside).toBe(1);
              await yieldTimes(n);
              inside--;
              lock.release();
            }),
          );
          expect(entries).toBe(holds.length);
          expect(lock.locked()).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a BoundedSemaphore accepts exactly as many releases as acquires', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        (bound, taken) => {
          const sem = new BoundedSemaphore(bound);
          const k = Math.min(bound, taken);
          for (let i = 0; i < k; i++) {
            // a free unit is taken without waiting, so the promise is already settled
            void sem.acquire();
          }
          expect(sem.value).toBe(bound - k);
          for (let i = 0; i < k; i++) sem.release();
          expect(() => sem.release()).toThrow(RangeError);
        },
      ),
    );
  });
});
