import { BrokenBarrierError, CancelledError, ParError, TimeoutError } from '@par/async';
import { tasks } from '@par/core';
import { QueueEmpty, QueueFull, QueueShutDown } from '@par/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { ThreadPool } from '../dist/index.js';
import { QuotaError } from './fixtures/error-classes.mjs';

const t = tasks<typeof import('./fixtures/error-tasks.mjs')>(
  new URL('./fixtures/error-tasks.mjs', import.meta.url),
);

const pool = new ThreadPool({ maxWorkers: 1 });
afterAll(() => pool.close());

describe('errors thrown in a worker keep their class and code', () => {
  const classes: [string, abstract new (...args: never[]) => Error, string][] = [
    ['QueueFull', QueueFull, 'PAR_QUEUE_FULL'],
    ['QueueEmpty', QueueEmpty, 'PAR_QUEUE_EMPTY'],
    ['QueueShutDown', QueueShutDown, 'PAR_QUEUE_SHUT_DOWN'],
    ['BrokenBarrierError', BrokenBarrierError, 'PAR_BROKEN_BARRIER'],
    ['TimeoutError', TimeoutError, 'PAR_TIMEOUT'],
    ['CancelledError', CancelledError, 'PAR_CANCELLED'],
    ['ParError', ParError, 'PAR_NOT_ACQUIRED'],
  ];
  for (const [kind, cls, code] of classes) {
    it(`${kind} arrives as ${kind} with code ${code}`, async () => {
      const error = await pool.run(t.throwError, kind).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(cls);
      expect(error).toBeInstanceOf(ParError);
      expect((error as ParError).code).toBe(code);
    });
  }

  it("an application's error class registered with registerErrorClass arrives as itself", async () => {
    const error = await pool.run(t.throwError, 'QuotaError').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaError);
    expect(error).toMatchObject({ message: 'over quota', left: 3, code: 'APP_QUOTA' });
    expect((error as Error).name).toBe('QuotaError');
  });
});
