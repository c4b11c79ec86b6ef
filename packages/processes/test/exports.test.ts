import { TimeoutError as AsyncTimeoutError } from '@par/async';
import {
  BrokenPoolError,
  cpuCount,
  Pipe,
  PoolClosedError,
  Process,
  ProcessPool,
  ProcessPoolExecutor,
  TimeoutError,
  taskSignal,
  tasks,
  WorkerCrashedError,
} from '@par/processes';
import { describe, expect, it } from 'vitest';

describe('package exports', () => {
  it('exports its functions and classes, and the TimeoutError of @par/async', () => {
    for (const value of [
      tasks,
      taskSignal,
      cpuCount,
      Pipe,
      Process,
      ProcessPool,
      ProcessPoolExecutor,
      WorkerCrashedError,
      BrokenPoolError,
      PoolClosedError,
    ])
      expect(typeof value).toBe('function');
    expect(TimeoutError).toBe(AsyncTimeoutError);
  });
});
