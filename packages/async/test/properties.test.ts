import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { limit, map, Semaphore } from '../src/index.js';

// A task is a number of macrotask turns (setImmediate) it stays busy; 0 finishes on a microtask.
const busy = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

const taskList = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 30 });
const concurrency = fc.integer({ min: 1, max: 6 });

describe('properties', () => {
  test('limit never exceeds its concurrency and loses no call', async () => {
    await fc.assert(
      fc.asyncProperty(taskList, concurrency, async (tasks, n) => {
        const limiter = limit(n);
        let running = 0;
        let peak = 0;
        const results = await Promise.all(
          tasks.map((turns, i) =>
            limiter(async () => {
              running++;
              peak = Math.max(peak, running);
              expect(limiter.activeCount).toBeLessThanOrEqual(n);
              await busy(turns);
              running--;
              return i;
            }),
          ),
        );
        expect(peak).toBeLessThanOrEqual(n);
        expect(results).toEqual(tasks.map((_, i) => i));
        expect(limiter.activeCount).toBe(0);
        expect(limiter.pendingCount).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  test('limit settles every call with the outcome of its task or of clearQueue, and frees every slot', async () => {
    const step = fc.record({
      turns: fc.integer({ min: 0, max: 2 }),
      fails: fc.boolean(),
      clearAfter: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), concurrency, async (steps, n) => {
        const limiter = limit(n);
        const outcomes: string[] = steps.map(() => 'pending');
        const calls = steps.map((s, i) => {
          const call = limiter(async () => {
            await busy(s.turns);
            if (s.fails) throw new Error(`task ${i}`);
            return i;
          }).then(
            () => {
              outcomes[i] = 'fulfilled';
            },
            (error: Error) => {
              outcomes[i] = error.name === 'AbortError' ? 'cleared' : 'rejected';
            },
          );
          if (s.clearAfter && i % 5 === 4) limiter.clearQueue();
          return call;
        });
        await Promise.all(calls);
        expect(outcomes).not.toContain('pending');
        steps.forEach((s, i) => {
          if (outcomes[i] === 'fulfilled') expect(s.fails).toBe(false);
          if (outcomes[i] === 'rejected') expect(s.fails).toBe(true);
          // a call started while a slot was free is never cleared
          if (i < n) expect(outcomes[i]).not.toBe('cleared');
        });
        expect(limiter.activeCount).toBe(0);
        expect(limiter.pendingCount).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  test('Semaphore never lets more than its value in and loses no acquire', async () => {
    await fc.assert(
      fc.asyncProperty(taskList, concurrency, async (tasks, n) => {
        const sem = new Semaphore(n);
        let inside = 0;
        let peak = 0;
        let completed = 0;
        await Promise.all(
          tasks.map(async (turns) => {
            using _held = await sem.acquire();
            inside++;
            peak = Math.max(peak, inside);
            await busy(turns);
            inside--;
            completed++;
          }),
        );
        expect(peak).toBeLessThanOrEqual(n);
        expect(completed).toBe(tasks.length);
        expect(sem.value).toBe(n);
        expect(sem.waiting).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  test('map never exceeds its concurrency, keeps order and loses no item', async () => {
    await fc.assert(
      fc.asyncProperty(taskList, concurrency, fc.boolean(), async (tasks, n, asyncInput) => {
        let running = 0;
        let peak = 0;
        async function* source(): AsyncGenerator<number> {
          for (const t of tasks) yield t;
        }
        const input = asyncInput ? source() : tasks;
        const results = await map(
          input,
          async (turns, index) => {
            running++;
            peak = Math.max(peak, running);
            await busy(turns);
            running--;
            return index * 2;
          },
          { concurrency: n },
        );
        expect(peak).toBeLessThanOrEqual(n);
        expect(results).toEqual(tasks.map((_, i) => i * 2));
      }),
      { numRuns: 40 },
    );
  });
});
