import { TimeoutError } from '@par/async';
import { describe, expect, it } from 'vitest';
import { deserializeError, serializeError } from '../src/error-codec.js';
import { WorkerCrashedError } from '../src/index.js';

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

  it('drops properties that cannot be cloned', () => {
    const error = Object.assign(new Error('f'), { fn: () => 1, ok: 2 });
    expect(roundTrip(error)).toMatchObject({ ok: 2 });
    expect((roundTrip(error) as { fn?: unknown }).fn).toBeUndefined();
  });

  it('passes thrown non-errors through', () => {
    expect(roundTrip('text')).toBe('text');
    expect(roundTrip({ a: 1 })).toEqual({ a: 1 });
  });

  it('rebuilds AbortError as a DOMException', () => {
    const back = roundTrip(new DOMException('stop', 'AbortError')) as DOMException;
    expect(back.name).toBe('AbortError');
    expect(back.message).toBe('stop');
  });
});
