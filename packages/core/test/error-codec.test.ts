import { BrokenBarrierError, CancelledError, ParError, TimeoutError } from '@par/async';
import { QueueEmpty, QueueFull, QueueShutDown } from '@par/queue';
import { describe, expect, it } from 'vitest';
import { deserializeError, serializeError } from '../src/error-codec.js';
import {
  BrokenPoolError,
  NotCloneableError,
  PoolClosedError,
  registerErrorClass,
  TaskClosureError,
  TaskModuleError,
  UnknownTaskError,
  WorkerCrashedError,
} from '../src/index.js';

const roundTrip = (error: unknown, extra?: string) =>
  deserializeError(structuredClone(serializeError(error)), extra);

describe('error codec', () => {
  it('keeps name, message, stack, cause and own properties', () => {
    const error = Object.assign(new TypeError('bad', { cause: new Error('root') }), {
      code: 'E_X',
      n: 1,
    });
    const back = roundTrip(error, '    at task x') as TypeError;
    expect(back).toBeInstanceOf(TypeError);
    expect(back).toMatchObject({ message: 'bad', code: 'E_X', n: 1 });
    expect((back.cause as Error).message).toBe('root');
    expect(back.stack).toContain('at task x');
  });

  it('rebuilds @par errors by code', () => {
    expect(roundTrip(new TimeoutError('late'))).toBeInstanceOf(TimeoutError);
    const crash = roundTrip(
      new WorkerCrashedError('gone', { exitCode: 3, signal: null, workerId: 2 }),
    ) as WorkerCrashedError;
    expect(crash).toBeInstanceOf(WorkerCrashedError);
    expect(crash).toMatchObject({ exitCode: 3, workerId: 2, code: 'PAR_WORKER_CRASHED' });
  });

  it('keeps custom error names and AggregateError members', () => {
    class MyError extends Error {
      override name = 'MyError';
    }
    expect(roundTrip(new MyError('m'))).toMatchObject({ name: 'MyError', message: 'm' });
    const agg = roundTrip(new AggregateError([new Error('a')], 'many')) as AggregateError;
    expect(agg).toBeInstanceOf(AggregateError);
    expect(agg.errors[0]).toMatchObject({ message: 'a' });
  });

  it('replaces properties that cannot be cloned by a placeholder naming what they were', () => {
    const error = Object.assign(new Error('f'), {
      fn: function retry() {},
      ok: 2,
      nested: { keep: [1, 2], drop: Symbol('s'), when: new Date(0) },
      handle: new WeakMap(),
    });
    expect(roundTrip(error)).toMatchObject({
      message: 'f',
      ok: 2,
      fn: '[not cloneable: a function (retry)]',
      nested: { keep: [1, 2], drop: '[not cloneable: a symbol (s)]', when: new Date(0) },
      handle: '[not cloneable: a WeakMap]',
    });
  });

  it('passes thrown non-errors through', () => {
    expect(roundTrip('text')).toBe('text');
    expect(roundTrip({ a: 1 })).toEqual({ a: 1 });
  });

  it('a thrown object holding a function keeps its cloneable properties, not "[object Object]"', () => {
    const thrown = { code: 'E_RETRY', attempts: 3, list: [1, () => 2], retry() {} };
    expect(roundTrip(thrown)).toEqual({
      code: 'E_RETRY',
      attempts: 3,
      list: [1, '[not cloneable: a function]'],
      retry: '[not cloneable: a function (retry)]',
    });
  });

  it('a thrown value that cannot be copied at all becomes a placeholder naming it', () => {
    expect(roundTrip(function task() {})).toBe('[not cloneable: a function (task)]');
    expect(roundTrip(Symbol('why'))).toBe('[not cloneable: a symbol (why)]');
  });

  it('a cycle through a value that does not clone is copied once', () => {
    const thrown: Record<string, unknown> = { fn: () => 1 };
    thrown.self = thrown;
    const back = roundTrip(thrown) as Record<string, unknown>;
    expect(back.self).toBe(back);
    expect(back.fn).toBe('[not cloneable: a function (fn)]');
  });

  it('rebuilds AbortError as a DOMException', () => {
    const back = roundTrip(new DOMException('stop', 'AbortError')) as DOMException;
    expect(back.name).toBe('AbortError');
    expect(back.message).toBe('stop');
  });

  it('every ParError class of @par/async, @par/queue and @par/core keeps its class and code', () => {
    const errors: ParError[] = [
      new TimeoutError('t'),
      new CancelledError('c'),
      new BrokenBarrierError('b'),
      new QueueEmpty('e'),
      new QueueFull('f'),
      new QueueShutDown('s'),
      new BrokenPoolError('p'),
      new PoolClosedError('closed'),
      new NotCloneableError('n'),
      new UnknownTaskError('u', ['a']),
      new TaskModuleError('m', 'file:///x.js'),
      new TaskClosureError('x', 'y'),
    ];
    for (const error of errors) {
      const back = roundTrip(error) as ParError;
      expect(back.constructor).toBe(error.constructor);
      expect(back.code).toBe(error.code);
      expect(back.name).toBe(error.name);
      expect(back.message).toBe(error.message);
    }
  });

  it('a ParError with a code no class claims arrives as a ParError', () => {
    const back = roundTrip(new ParError('Lock is not acquired', 'PAR_NOT_ACQUIRED')) as ParError;
    expect(back).toBeInstanceOf(ParError);
    expect(back.code).toBe('PAR_NOT_ACQUIRED');
  });

  it("registerErrorClass makes a user's error class arrive as itself", () => {
    class QuotaError extends Error {
      readonly code = 'TEST_QUOTA';
      constructor(
        message: string,
        readonly left: number,
      ) {
        super(message);
      }
      override get name(): string {
        return 'QuotaError';
      }
    }
    expect(roundTrip(new QuotaError('over', 0))).not.toBeInstanceOf(QuotaError);
    registerErrorClass('TEST_QUOTA', QuotaError);
    const back = roundTrip(new QuotaError('over', 3)) as QuotaError;
    expect(back).toBeInstanceOf(QuotaError);
    expect(back).toMatchObject({
      message: 'over',
      left: 3,
      code: 'TEST_QUOTA',
      name: 'QuotaError',
    });
  });

  it('registerErrorClass rejects a code that is not a string and a class that is not an error class', () => {
    expect(() => registerErrorClass('' as string, Error)).toThrow(TypeError);
    expect(() => registerErrorClass('X', class NotAnError {} as never)).toThrow(
      /subclass of Error/,
    );
  });
});
