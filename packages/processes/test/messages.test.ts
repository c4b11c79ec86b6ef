// What a ProcessPool says when a value does not travel or a child dies: thrown values
// keep what can be kept, class instances that would arrive as {} are refused, and a
// child that ran out of memory is reported as such.
import {
  NotCloneableError,
  ProcessPool,
  type ProcessPoolOptions,
  tasks,
  WorkerCrashedError,
} from '@par/processes';
import { afterEach, describe, expect, it } from 'vitest';

type Tasks = typeof import('./fixtures/pool-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/pool-tasks.mjs', import.meta.url));

const pools: ProcessPool[] = [];
function pool(options: ProcessPoolOptions = {}): ProcessPool {
  const p = new ProcessPool({ maxWorkers: 1, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.terminate()));
});

/** A class whose whole state is a #private field: V8 serialization sends `{}`. */
class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get value(): string {
    return this.#value;
  }
}

describe('ProcessPool: thrown values that do not serialize keep what can be kept', () => {
  it('a thrown object holding a function arrives with its other properties and a placeholder', async () => {
    const thrown = await pool()
      .run(t.throwObjectWithFunction)
      .catch((e: unknown) => e);
    expect(thrown).toEqual({
      code: 'E_RETRY',
      attempts: 3,
      detail: { step: 2 },
      retry: '[not cloneable: a function (retry)]',
    });
  });

  it('an error property holding a function arrives as a placeholder naming it', async () => {
    const error = await pool()
      .run(t.failWithCallback)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      message: 'with a callback',
      code: 'E_CB',
      onDone: '[not cloneable: a function (onDone)]',
    });
  });
});

describe('ProcessPool: a class instance whose state is all #private is refused, not sent as {}', () => {
  it('as an argument', async () => {
    const error = await pool()
      .run(t.keysOf, [new Secret('s3cr3t')])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toMatch(
      /^Task `keysOf` \(.*pool-tasks\.mjs\): argument 0\[0\] \(an instance of class Secret\) could not be sent to the worker/,
    );
  });

  it('as a result', async () => {
    const error = await pool()
      .run(t.secretResult, 'x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain(
      'The result of task `secretResult` (result.owner, an instance of class Secret) could not be sent back to the caller',
    );
  });
});

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
