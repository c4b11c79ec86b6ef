import { ThreadPool, ThreadPoolExecutor } from '@par/threads';
import { describe, expectTypeOf, it } from 'vitest';

describe('a number as options (types)', () => {
  it('ThreadPool and ThreadPoolExecutor take a worker count', () => {
    expectTypeOf(ThreadPool).toBeConstructibleWith(4);
    expectTypeOf(ThreadPoolExecutor).toBeConstructibleWith(4);
    expectTypeOf(ThreadPool).toBeConstructibleWith({ maxWorkers: 4 });
  });
});
