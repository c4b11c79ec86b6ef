import { ParError, TimeoutError } from '@par/async';
import { describe, expect, it } from 'vitest';
import { QueueEmpty, QueueFull, QueueShutDown } from '../src/index.js';

describe('queue errors', () => {
  it.each([
    [QueueEmpty, 'PAR_QUEUE_EMPTY', 'QueueEmpty'],
    [QueueFull, 'PAR_QUEUE_FULL', 'QueueFull'],
    [QueueShutDown, 'PAR_QUEUE_SHUT_DOWN', 'QueueShutDown'],
  ] as const)('%o extends ParError with a stable code and name', (ErrorClass, code, name) => {
    const error = new ErrorClass();
    expect(error).toBeInstanceOf(ParError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('keeps a custom message and cause', () => {
    const cause = new Error('root');
    const error = new QueueFull('no room', { cause });
    expect(error.message).toBe('no room');
    expect(error.cause).toBe(cause);
  });

  it('are ParErrors with their codes, and a full queue is no TimeoutError', () => {
    expect(new QueueEmpty()).toBeInstanceOf(ParError);
    expect(new QueueFull()).toBeInstanceOf(ParError);
    expect(new QueueShutDown()).toBeInstanceOf(ParError);
    expect(new QueueEmpty().code).toBe('PAR_QUEUE_EMPTY');
    expect(new QueueFull().code).toBe('PAR_QUEUE_FULL');
    expect(new QueueShutDown().code).toBe('PAR_QUEUE_SHUT_DOWN');
    expect(new QueueFull().name).toBe('QueueFull');
    expect(new QueueFull()).not.toBeInstanceOf(TimeoutError);
  });
});
