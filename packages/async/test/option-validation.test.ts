import { describe, expect, test } from 'vitest';
import {
  asCompleted,
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  gather,
  Lock,
  limit,
  map,
  mapIter,
  RateLimiter,
  retry,
  Semaphore,
  sleep,
  TaskGroup,
  throttle,
  timeout,
  wait,
} from '../src/index.js';

// Each message names the option, the accepted range and the value received.
describe('option validation', () => {
  test('limit: concurrency must be an integer >= 1 or Infinity', () => {
    expect(() => limit(0)).toThrow(
      new RangeError(
        'Expected `concurrency` to be a positive integer or Infinity, got `0` (number)',
      ),
    );
    expect(() => limit(1.5)).toThrow(RangeError);
    expect(() => limit('2' as unknown as number)).toThrow(
      new TypeError(
        'Expected `concurrency` to be a positive integer or Infinity, got `"2"` (string)',
      ),
    );
    expect(() => limit({ concurrency: -1 })).toThrow(/`concurrency`.*`-1`/);
  });

  test('limit: setting concurrency validates it and keeps the old value', () => {
    const limiter = limit(2);
    expect(() => {
      limiter.concurrency = 0;
    }).toThrow(RangeError);
    expect(limiter.concurrency).toBe(2);
  });

  test('map: concurrency, stopOnError, signal and mapper', async () => {
    await expect(map([1], (x) => x, { concurrency: 0 })).rejects.toThrow(
      new RangeError(
        'Expected `concurrency` to be a positive integer or Infinity, got `0` (number)',
      ),
    );
    await expect(map([1], (x) => x, { stopOnError: 'yes' as unknown as boolean })).rejects.toThrow(
      new TypeError('Expected `stopOnError` to be a boolean, got `"yes"` (string)'),
    );
    await expect(map([1], (x) => x, { signal: {} as AbortSignal })).rejects.toThrow(
      /Expected `signal` to be an AbortSignal/,
    );
    await expect(map([1], 5 as unknown as () => void)).rejects.toThrow(
      /Expected `mapper` to be a function, got `5` \(number\)/,
    );
    await expect(map(5 as unknown as number[], (x) => x)).rejects.toThrow(
      /Expected `input` to be an iterable or async iterable/,
    );
  });

  test('mapIter: backpressure must be an integer >= concurrency', () => {
    expect(() => mapIter([1], (x) => x, { concurrency: 4, backpressure: 2 })).toThrow(
      /`backpressure`.*>= concurrency \(4\).*2/,
    );
    expect(() => mapIter([1], (x) => x, { backpressure: 1.5 })).toThrow(/`backpressure`/);
  });

  test('mapIter: concurrency and ordered are checked when it is called', () => {
    expect(() => mapIter([1], (x) => x, { concurrency: -2 })).toThrow(
      /Expected `concurrency` to be a positive integer or Infinity, got `-2`/,
    );
    expect(() => mapIter([1], (x) => x, { ordered: 1 as unknown as boolean })).toThrow(
      new TypeError('Expected `ordered` to be a boolean, got `1` (number)'),
    );
  });

  test('sleep and timeout: ms must be a number >= 0', async () => {
    await expect(sleep(-1)).rejects.toThrow(
      new RangeError('Expected `ms` to be a finite number >= 0 or Infinity, got `-1` (number)'),
    );
    await expect(timeout(Number.NaN, Promise.resolve(1))).rejects.toThrow(TypeError);
    await expect(timeout(10, 42 as unknown as Promise<number>)).rejects.toThrow(/`work`/);
  });

  test('wait: returnWhen must be one of the three modes; timeout >= 0', async () => {
    await expect(
      wait([Promise.resolve(1)], { returnWhen: 'FIRST' as 'FIRST_COMPLETED' }),
    ).rejects.toThrow(
      new RangeError(
        "Expected `returnWhen` to be one of 'FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED', got `\"FIRST\"` (string)",
      ),
    );
    await expect(wait([Promise.resolve(1)], { timeout: -1 })).rejects.toThrow(/`timeout`.*`-1`/);
  });

  test('asCompleted: timeout must be >= 0', () => {
    expect(() => asCompleted([], { timeout: -5 })).toThrow(RangeError);
  });

  test('gather: options must be an object and inputs iterable', async () => {
    await expect(gather([], 'x' as unknown as undefined)).rejects.toThrow(
      /Expected `options` to be an options object/,
    );
    await expect(gather(5 as unknown as [])).rejects.toThrow(TypeError);
  });

  test('Semaphore and BoundedSemaphore: value must be an integer >= 0', () => {
    expect(() => new Semaphore(-1)).toThrow(
      new RangeError('Expected `value` to be an integer >= 0, got `-1` (number)'),
    );
    expect(() => new BoundedSemaphore(1.5)).toThrow(RangeError);
    expect(() => new Semaphore('1' as unknown as number)).toThrow(TypeError);
  });

  test('Barrier: parties must be a positive integer', () => {
    expect(() => new Barrier(0)).toThrow(
      new RangeError('Expected `parties` to be a positive integer, got `0` (number)'),
    );
  });

  test('acquire and wait options: timeout >= 0, signal an AbortSignal', async () => {
    await expect(new Lock().acquire({ timeout: -1 })).rejects.toThrow(
      new RangeError(
        'Expected `timeout` to be a finite number >= 0 or Infinity, got `-1` (number)',
      ),
    );
    await expect(new Event().wait({ signal: 'no' as unknown as AbortSignal })).rejects.toThrow(
      /Expected `signal` to be an AbortSignal, got `"no"` \(string\)/,
    );
    await expect(new Barrier(2).wait({ timeout: Number.NaN })).rejects.toThrow(TypeError);
  });

  test('Condition: lock must be a Lock', () => {
    expect(() => new Condition({} as Lock)).toThrow(/Expected `lock` to be a Lock/);
  });

  test('RateLimiter and throttle: limit >= 1, interval > 0, strict boolean', () => {
    expect(() => new RateLimiter({ limit: 0, interval: 100 })).toThrow(
      new RangeError('Expected `limit` to be a positive integer, got `0` (number)'),
    );
    expect(() => new RateLimiter({ limit: 1, interval: -1 })).toThrow(/`interval`.*`-1`/);
    expect(() => new RateLimiter({ limit: 1, interval: 0 })).toThrow(RangeError);
    expect(
      () => new RateLimiter({ limit: 1, interval: 10, strict: 'no' as unknown as boolean }),
    ).toThrow(/`strict`/);
    expect(() => throttle(() => 1, { limit: 1.5, interval: 10 })).toThrow(RangeError);
    expect(() => new RateLimiter(undefined as unknown as { limit: 1; interval: 1 })).toThrow(
      TypeError,
    );
  });

  test('retry: retries, timeouts, factor and callbacks', async () => {
    const fn = async () => 1;
    await expect(retry(fn, { retries: -1 })).rejects.toThrow(
      new RangeError('Expected `retries` to be an integer >= 0 or Infinity, got `-1` (number)'),
    );
    await expect(retry(fn, { minTimeout: -1 })).rejects.toThrow(/`minTimeout`/);
    await expect(retry(fn, { minTimeout: 100, maxTimeout: 10 })).rejects.toThrow(/`maxTimeout`/);
    await expect(retry(fn, { factor: 0.5 })).rejects.toThrow(/`factor`.*`0.5`/);
    await expect(retry(fn, { shouldRetry: true as unknown as () => boolean })).rejects.toThrow(
      /`shouldRetry` to be a function/,
    );
  });

  test('TaskGroup: signal must be an AbortSignal; spawn needs a function', () => {
    expect(() => new TaskGroup({ signal: 1 as unknown as AbortSignal })).toThrow(TypeError);
    expect(() => new TaskGroup().spawn(1 as unknown as () => void)).toThrow(
      /Expected `fn` to be a function/,
    );
  });

  test('options objects are never mutated', async () => {
    const options = Object.freeze({ concurrency: 2 });
    await expect(map([1, 2], async (x) => x, options)).resolves.toEqual([1, 2]);
    expect(options).toEqual({ concurrency: 2 });
  });

  test('gather rejects a non-boolean returnExceptions', async () => {
    await expect(gather([1], { returnExceptions: 'yes' as unknown as boolean })).rejects.toThrow(
      /^Expected `returnExceptions` to be a boolean, got `"yes"` \(string\)$/,
    );
  });

  test('gather, wait, timeout, asCompleted and Condition quote the value they got', async () => {
    await expect(gather(5 as unknown as [])).rejects.toThrow(/got `5` \(number\)$/);
    await expect(wait([1 as unknown as Promise<number>])).rejects.toThrow(/got `1` \(number\)$/);
    await expect(timeout(10, 42 as unknown as Promise<number>)).rejects.toThrow(
      /^Expected `work` to be a promise or a function, got `42` \(number\)$/,
    );
    expect(() => asCompleted(7 as unknown as [])).toThrow(/got `7` \(number\)$/);
    expect(() => new Condition({} as Lock)).toThrow(
      /^Expected `lock` to be a Lock, got `\{\}` \(object\)$/,
    );
  });

  test('Condition.notify rejects a count that is not an integer >= 0', async () => {
    const cond = new Condition();
    using _h = await cond.acquire();
    expect(() => cond.notify(-1)).toThrow(RangeError);
    expect(() => cond.notify('2' as unknown as number)).toThrow(/`n`/);
    expect(() => cond.notify(0)).not.toThrow();
  });
});
