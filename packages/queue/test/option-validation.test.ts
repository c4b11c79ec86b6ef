import { describe, expect, it } from 'vitest';
import { consume, LifoQueue, PriorityQueue, Queue, SimpleQueue } from '../src/index.js';

const constructors = [
  ['Queue', (options?: unknown) => new Queue(options as never)],
  ['LifoQueue', (options?: unknown) => new LifoQueue(options as never)],
  ['PriorityQueue', (options?: unknown) => new PriorityQueue(options as never)],
] as const;

describe.each(constructors)('%s options', (_name, make) => {
  it('accepts no options, maxsize 0, a positive integer and Infinity', () => {
    expect(make().maxsize).toBe(0);
    expect(make({}).maxsize).toBe(0);
    expect(make({ maxsize: 0 }).maxsize).toBe(0);
    expect(make({ maxsize: 3 }).maxsize).toBe(3);
    expect(make({ maxsize: Number.POSITIVE_INFINITY }).maxsize).toBe(Number.POSITIVE_INFINITY);
  });

  it('throws RangeError naming maxsize for a negative number', () => {
    expect(() => make({ maxsize: -1 })).toThrow(RangeError);
    expect(() => make({ maxsize: -1 })).toThrow(
      'Expected `maxsize` to be an integer >= 0 or Infinity, got `-1` (number)',
    );
  });

  it('throws RangeError naming maxsize for a fraction', () => {
    expect(() => make({ maxsize: 1.5 })).toThrow(RangeError);
    expect(() => make({ maxsize: 1.5 })).toThrow(/`maxsize`.*`1\.5`/);
  });

  it('throws RangeError for -Infinity', () => {
    expect(() => make({ maxsize: Number.NEGATIVE_INFINITY })).toThrow(RangeError);
  });

  it('throws TypeError naming maxsize for a non-number', () => {
    expect(() => make({ maxsize: '10' })).toThrow(TypeError);
    expect(() => make({ maxsize: '10' })).toThrow(/`maxsize`.*"10".*\(string\)/);
    expect(() => make({ maxsize: null })).toThrow(TypeError);
    expect(() => make({ maxsize: Number.NaN })).toThrow(TypeError);
  });

  it('throws TypeError for options that are not an object', () => {
    expect(() => make(5)).toThrow(TypeError);
    expect(() => make('big')).toThrow(/`options`/);
  });

  it('does not mutate the options object', () => {
    const options = Object.freeze({ maxsize: 2 });
    expect(make(options).maxsize).toBe(2);
    expect(options).toEqual({ maxsize: 2 });
  });
});

describe('PriorityQueue compare option', () => {
  it('throws TypeError naming compare when it is not a function', () => {
    expect(() => new PriorityQueue({ compare: 'asc' as never })).toThrow(TypeError);
    expect(() => new PriorityQueue({ compare: 'asc' as never })).toThrow(
      'Expected `compare` to be a function, got `"asc"` (string)',
    );
  });
});

describe.each([
  ['Queue', () => new Queue<number>()],
  ['SimpleQueue', () => new SimpleQueue<number>()],
] as const)('%s get/put options', (_name, make) => {
  it('get rejects with RangeError naming timeout for a negative timeout', async () => {
    await expect(make().get({ timeout: -1 })).rejects.toThrow(RangeError);
    await expect(make().get({ timeout: -1 })).rejects.toThrow(/`timeout`.*`-1`/);
  });

  it('get rejects with TypeError naming timeout for a non-number', async () => {
    await expect(make().get({ timeout: '5' as never })).rejects.toThrow(TypeError);
    await expect(make().get({ timeout: Number.NaN })).rejects.toThrow(/`timeout`/);
  });

  it('get rejects with TypeError naming signal for a non-signal', async () => {
    await expect(make().get({ signal: {} as never })).rejects.toThrow(TypeError);
    await expect(make().get({ signal: 'x' as never })).rejects.toThrow(/`signal`/);
  });

  it('get rejects with TypeError for options that are not an object', async () => {
    await expect(make().get(5 as never)).rejects.toThrow(/`options`/);
  });

  it('get validates its options even when an item is ready, and takes nothing', async () => {
    const queue = make();
    queue.putNowait(1);
    await expect(queue.get({ timeout: -1 })).rejects.toThrow(RangeError);
    expect(queue.size).toBe(1);
  });
});

describe('Queue put options', () => {
  it('put rejects with RangeError naming timeout for a negative timeout, adding nothing', async () => {
    const queue = new Queue<number>();
    await expect(queue.put(1, { timeout: -5 })).rejects.toThrow(/`timeout`.*`-5`/);
    expect(queue.size).toBe(0);
  });

  it('put rejects with TypeError naming signal for a non-signal', async () => {
    await expect(new Queue<number>().put(1, { signal: 1 as never })).rejects.toThrow(TypeError);
  });
});

describe('shutdown options', () => {
  it('throws TypeError naming immediate for a non-boolean', () => {
    const queue = new Queue();
    expect(() => queue.shutdown({ immediate: 'yes' as never })).toThrow(
      'Expected `immediate` to be a boolean, got `"yes"` (string)',
    );
    expect(queue.isShutDown).toBe(false);
  });

  it('throws TypeError for options that are not an object', () => {
    expect(() => new Queue().shutdown(true as never)).toThrow(TypeError);
  });
});

describe('consume arguments and options', () => {
  const queue = new Queue<number>();

  it('rejects with TypeError when the queue has no get()', async () => {
    await expect(consume({} as never, () => {})).rejects.toThrow(/`queue`/);
  });

  it('rejects with TypeError when the handler is not a function', async () => {
    await expect(consume(queue, 'run' as never)).rejects.toThrow(
      'Expected `handler` to be a function, got `"run"` (string)',
    );
  });

  it('rejects with RangeError naming concurrency for 0, negatives and fractions', async () => {
    for (const concurrency of [0, -1, 1.5]) {
      await expect(consume(queue, () => {}, { concurrency })).rejects.toThrow(RangeError);
    }
    await expect(consume(queue, () => {}, { concurrency: 0 })).rejects.toThrow(
      'Expected `concurrency` to be a positive integer or Infinity, got `0` (number)',
    );
  });

  it('rejects with TypeError naming concurrency for a non-number', async () => {
    await expect(consume(queue, () => {}, { concurrency: '2' as never })).rejects.toThrow(
      TypeError,
    );
  });

  it('rejects with TypeError naming signal and onError for wrong types', async () => {
    await expect(consume(queue, () => {}, { signal: {} as never })).rejects.toThrow(/`signal`/);
    await expect(consume(queue, () => {}, { onError: 1 as never })).rejects.toThrow(/`onError`/);
  });

  it('takes no item when its options are invalid', async () => {
    const q = new Queue<number>();
    q.putNowait(1);
    await expect(consume(q, () => {}, { concurrency: -1 })).rejects.toThrow(RangeError);
    expect(q.size).toBe(1);
  });
});
