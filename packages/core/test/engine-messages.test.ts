// What the engine says when a call fails, and what stats() reports meanwhile,
// checked against the in-memory transport (see memory-transport.ts).

import { Secret } from '@par/test-support/secret';
import { describe, expect, it, vi } from 'vitest';
import {
  NotCloneableError,
  Pool,
  registerTransferHandler,
  unregisterTransferHandler,
  WorkerCrashedError,
} from '../src/index.js';
import { Msg } from '../src/protocol.js';
import { AutoTransport, MemoryTransport, openPools, settle, square } from './memory-transport.js';

const keys = (o: object) => Object.keys(o);
const open = openPools();

describe('a call that never started says so', () => {
  it('a transfer call whose worker died before it started rejects "before task … started", not "while running"', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const buffer = new ArrayBuffer(8);
    const call = pool.run({ task: square, args: [2], transfer: [buffer] });
    await settle();
    const w = transport.last;
    expect(w.runs()).toHaveLength(1);
    w.exit(null, 'SIGKILL'); // before it was ready: the call never started
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    const message = (error as Error).message;
    expect(message).toContain('Worker #1 was killed by SIGKILL before task `square`');
    expect(message).toContain('started');
    expect(message).not.toContain('while running');
  });

  it('a call that had started still says "while running task …"', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const call = pool.run(square, 2);
    await settle();
    const w = transport.last;
    w.ready();
    w.exit(null, 'SIGKILL');
    await expect(call).rejects.toThrow(
      'Worker #1 was killed by SIGKILL while running task `square`',
    );
  });
});

describe('values that do not clone', () => {
  const add = (a: number, b: number) => a + b;

  it('an argument of run is named by its position and kind', async () => {
    const pool = open(new MemoryTransport(), { maxWorkers: 1 });
    await expect(pool.run(add, 1, (() => 2) as unknown as number)).rejects.toThrow(
      /^Task .*: argument 1 \(a function\) could not be sent to the worker/,
    );
  });

  it('a map item is named by its position in the input, not as the chunk that carried it', async () => {
    // workers that answer by themselves: the first chunk goes through
    const pool = open(new AutoTransport(), { maxWorkers: 1 });
    const items = [1, 2, (() => 3) as unknown as number, 4];
    const error = await pool.map(square, items, { chunkSize: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toMatch(
      /^Task .*: map item 2 \(a function\) could not be sent to the worker/,
    );
  });

  it('an imap item is named by its position in the whole input, whichever chunk carried it', async () => {
    const pool = open(new AutoTransport(), { maxWorkers: 1 });
    const items = [1, 2, 3, 4, 5, (() => 6) as unknown as number, 7];
    const read = async () => {
      for await (const _ of pool.imap(square, items, { chunkSize: 2 })) void _;
    };
    await expect(read()).rejects.toThrow(
      /^Task .*: map item 5 \(a function\) could not be sent to the worker/,
    );
  });

  it('a map item is named right when an idle worker is sent its chunk inside map() itself', async () => {
    const pool = open(new AutoTransport(), { maxWorkers: 2 });
    await pool.map(square, [1, 2], { chunkSize: 1 }); // both workers are up and idle
    await expect(
      pool.map(square, [1, (() => 2) as unknown as number, 3], { chunkSize: 1 }),
    ).rejects.toThrow(/^Task .*: map item 1 \(a function\) could not be sent to the worker/);
  });

  it('a starmap argument is named by its item and its position in the item', async () => {
    const pool = open(new AutoTransport(), { maxWorkers: 1 });
    const items: [number, number][] = [
      [1, 2],
      [3, Symbol('b') as unknown as number],
    ];
    await expect(pool.starmap(add, items, { chunkSize: 2 })).rejects.toThrow(
      /^Task .*: map item 1, argument 1 \(a symbol \(b\)\) could not be sent to the worker/,
    );
  });
});

describe('the transfer option', () => {
  it('anything but a list of objects that can move is a TypeError naming transfer and the item', async () => {
    const pool = open(new MemoryTransport(), { maxWorkers: 1 });
    await expect(pool.run({ task: square, args: [1], transfer: 'x' as never })).rejects.toThrow(
      /^Expected `transfer` to be an array of transferable objects, got `"x"` \(string\)/,
    );
    await expect(pool.run({ task: square, args: [1], transfer: [42] as never })).rejects.toThrow(
      new TypeError(
        'Expected `transfer` to be an array of transferable objects (ArrayBuffer, MessagePort…), got number at index 0',
      ),
    );
    await expect(pool.run({ task: square, args: [1], transfer: [{}] as never })).rejects.toThrow(
      /got an object at index 0/,
    );
  });
});

describe('map options', () => {
  it('an unknown option (Python spelling included) rejects with a TypeError naming it, for every form', async () => {
    const pool = open(new AutoTransport(), { maxWorkers: 1 });
    const chunksize = { chunksize: 2 } as never;
    await expect(pool.map(square, [1, 2], chunksize)).rejects.toThrow(
      new TypeError(
        'Unknown option `chunksize` in `options` (expected chunkSize, bufferSize, signal, timeout): did you mean `chunkSize`?',
      ),
    );
    await expect(pool.starmap(square, [[1]], { bufsize: 4 } as never)).rejects.toThrow(
      /^Unknown option `bufsize`/,
    );
    const read = async () => {
      for await (const _ of pool.imap(square, [1], { timout: 5 } as never)) void _;
    };
    await expect(read()).rejects.toThrow(/^Unknown option `timout`/);
  });
});

describe('class instances that would arrive as {}', () => {
  it('an argument holding one rejects with NotCloneableError naming the path and class, and nothing is sent', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1 });
    const call = pool.run(keys, { owner: new Secret('s') });
    const fine = pool.run(keys, { owner: 'plain' });
    await settle();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotCloneableError);
    expect((error as Error).message).toContain(
      'Task `keys` (self-contained function): argument 0.owner (an instance of class Secret) could not be sent to the worker',
    );
    const w = transport.last;
    expect(w.runs().map((r) => r.args)).toEqual([[{ owner: 'plain' }]]);
    // the refused call did not keep the task's definition from reaching the worker
    const [run] = w.messages.filter((m) => m[0] === Msg.Run);
    expect(run?.[1]).toEqual([w.run(0).key, undefined, 'keys', String(keys)]);
    w.ready();
    w.answer([w.run(0).id, ['owner']]);
    await expect(fine).resolves.toEqual(['owner']);
  });

  it('initArgs holding one are refused when the pool is made, naming the option, path and class', () => {
    expect(
      () => new Pool(new MemoryTransport(), { initArgs: [1, { owner: new Secret('s') }] }),
    ).toThrow(
      new NotCloneableError(
        '`initArgs`: argument 1.owner (an instance of class Secret) could not be sent to the workers: it has no own enumerable property, so it would arrive as an empty object {} (#private fields, getters and methods do not travel): send its data as a plain object, or register a transfer handler for Secret',
      ),
    );
  });

  it('initArgs holding a function or a symbol, however deep, are refused when the pool is made', () => {
    const cases: [unknown[], string][] = [
      [[() => 1], 'argument 0 (a function)'],
      [[1, { retry: function retry() {} }], 'argument 1.retry (a function (retry))'],
      [[[1, [Symbol('s')]]], 'argument 0[1][0] (a symbol (s))'],
      [[new Map([['k', () => 2]])], 'argument 0.get(k) (a function)'],
    ];
    for (const [initArgs, where] of cases) {
      expect(() => new Pool(new MemoryTransport(), { initArgs })).toThrow(
        new NotCloneableError(
          `\`initArgs\`: ${where} could not be sent to the workers: a function or a symbol cannot be copied`,
        ),
      );
    }
    // plain data, however nested, is accepted
    expect(
      () => new Pool(new MemoryTransport(), { initArgs: [{ a: [1, { b: new Map([[1, 'x']]) }] }] }),
    ).not.toThrow();
  });

  it('an instance a transfer handler takes is sent through the handler', async () => {
    registerTransferHandler({
      name: 'test:Secret',
      canHandle: (value): value is Secret => value instanceof Secret,
      serialize: (secret: Secret) => [secret.value, []],
      deserialize: (value: string) => new Secret(value),
    });
    try {
      const transport = new MemoryTransport();
      const pool = open(transport, { maxWorkers: 1 });
      const call = pool.run(keys, new Secret('s'));
      await settle();
      const w = transport.last;
      expect(w.runs()[0]?.args).toEqual([{ __parTransfer: 'test:Secret', data: 's' }]);
      w.ready();
      w.answer([w.run(0).id, []]);
      await expect(call).resolves.toEqual([]);
    } finally {
      unregisterTransferHandler('test:Secret');
    }
  });
});

describe('stats(): aborting', () => {
  it('an aborted running call counts as aborting until its worker answers, and never as running', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const call = pool.run({ task: square, args: [2], signal: controller.signal });
    await settle();
    const w = transport.last;
    w.ready();
    expect(pool.stats()).toMatchObject({ running: 1, aborting: 0 });
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1, failed: 1 });
    w.answer([w.run(0).id, 4]);
    await settle();
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0, completed: 0, failed: 1 });
  });

  it('a timed-out call counts as aborting through its grace period, then not at all once its worker is replaced', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: 100 });
    const call = pool.run({ task: square, args: [2], timeout: 50 }).catch((e: unknown) => e);
    await settle();
    const w = transport.last;
    w.ready();
    await vi.advanceTimersByTimeAsync(50);
    expect((await call) as Error).toMatchObject({ name: 'TimeoutError' });
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1 });
    await vi.advanceTimersByTimeAsync(99);
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(w.terminated).toBe(true);
    await settle();
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0, workers: 0 });
  });

  it('a call aborted while it waited in a busy worker counts as aborting if the worker starts it anyway', async () => {
    const transport = new MemoryTransport();
    const pool = open(transport, { maxWorkers: 1, gracePeriod: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const call = pool.run({ task: square, args: [3], signal: controller.signal });
    await settle();
    const w = transport.last;
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0 });
    w.ready(); // the pool now believes it started: its worker is busy with it
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 1 });
    w.dropped(w.run(0).id);
    await settle();
    expect(pool.stats()).toMatchObject({ running: 0, aborting: 0 });
  });
});
