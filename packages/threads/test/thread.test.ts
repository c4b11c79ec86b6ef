import { afterEach, describe, expect, it, vi } from 'vitest';
import { PoolClosedError, Thread, TimeoutError } from '../dist/index.js';
import { latch, reached, release, t } from './pool-helpers.js';

const threads: Thread[] = [];
function track<T extends Thread>(thread: T): T {
  threads.push(thread);
  return thread;
}
afterEach(async () => {
  await Promise.all(threads.splice(0).map((th) => th.terminate()));
});

describe('Thread', () => {
  it('start() runs the task and join() resolves to its result', async () => {
    const thread = track(new Thread(t.add, { args: [2, 40], name: 'adder' }));
    expect(thread.name).toBe('adder');
    thread.start();
    await expect(thread.join()).resolves.toBe(42);
  });

  it('isAlive is true from start() until the task settles', async () => {
    const l = latch();
    const thread = track(new Thread(t.block, { args: [l] }));
    expect(thread.isAlive).toBe(false);
    thread.start();
    expect(thread.isAlive).toBe(true);
    await reached(l, 0);
    expect(thread.isAlive).toBe(true);
    release(l);
    await thread.join();
    expect(thread.isAlive).toBe(false);
  });

  it('threadId is the worker thread id, undefined before start', async () => {
    const thread = track(new Thread(t.whoami));
    expect(thread.threadId).toBeUndefined();
    thread.start();
    const id = thread.threadId;
    expect(typeof id).toBe('number');
    await expect(thread.join()).resolves.toBe(id);
  });

  it('a second start() throws', () => {
    const thread = track(new Thread(t.square, { args: [1] }));
    thread.start();
    expect(() => thread.start()).toThrow(/only be started once/);
    expect(() => thread.start()).toThrow(
      expect.objectContaining({ name: 'ParError', code: 'PAR_INVALID_STATE' }),
    );
  });

  it("an unknown option (a misspelling, Python's target) is a TypeError naming it", async () => {
    expect(() => new Thread(t.square, { target: 1 } as never)).toThrow(
      new TypeError('Unknown option `target` in `options` (expected args, name, daemon)'),
    );
    const thread = track(new Thread(t.square, { args: [2] }));
    thread.start();
    await expect(thread.join({ timeuot: 10 } as never)).rejects.toThrow(
      new TypeError('Unknown option `timeuot` in `options` (expected timeout)'),
    );
    await expect(thread.join()).resolves.toBe(4);
  });

  it('join() before start() rejects', async () => {
    const thread = new Thread(t.square, { args: [1] });
    await expect(thread.join()).rejects.toThrow(/before it is started/);
    await expect(thread.join()).rejects.toMatchObject({ code: 'PAR_INVALID_STATE' });
  });

  it('join() rejects with the task error', async () => {
    const thread = track(new Thread(t.fail, { args: ['thread failed'] }));
    thread.start();
    await expect(thread.join()).rejects.toThrow('thread failed');
    expect(thread.isAlive).toBe(false);
  });

  it('a task error nobody joined is printed to stderr, naming the thread (threading.excepthook)', async () => {
    let printed!: (args: unknown[]) => void;
    const seen = new Promise<unknown[]>((resolve) => {
      printed = resolve;
    });
    const spy = vi
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => printed(args));
    try {
      const thread = track(new Thread(t.fail, { args: ['nobody waits'], name: 'lonely' }));
      thread.start();
      const [label, error] = await seen;
      expect(label).toBe('Exception in thread lonely:');
      expect((error as Error).message).toBe('nobody waits');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(thread.isAlive).toBe(false);
      // joined afterwards, the error still reaches the caller
      await expect(thread.join()).rejects.toThrow('nobody waits');
    } finally {
      spy.mockRestore();
    }
  });

  it('a task error a join() waits for is not printed, nor is a terminated thread', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const joined = track(new Thread(t.fail, { args: ['caller handles it'] }));
      joined.start();
      await expect(joined.join()).rejects.toThrow('caller handles it');
      const stopped = new Thread(t.spinForever);
      stopped.start();
      await stopped.terminate();
      // the thread's own rejection (PoolClosedError) has been handled by now
      await new Promise((resolve) => setImmediate(resolve));
      expect(spy).not.toHaveBeenCalled();
      await expect(stopped.join()).rejects.toBeInstanceOf(PoolClosedError);
    } finally {
      spy.mockRestore();
    }
  });

  it('join({ timeout }) rejects with TimeoutError while the thread keeps running', async () => {
    const l = latch();
    const thread = track(new Thread(t.block, { args: [l] }));
    thread.start();
    await reached(l, 0);
    await expect(thread.join({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    expect(thread.isAlive).toBe(true);
    release(l);
    await expect(thread.join()).resolves.toBe('released');
  });

  it('terminate() stops a running thread', async () => {
    const thread = new Thread(t.spinForever);
    thread.start();
    const joined = thread.join().catch((e: unknown) => e);
    await thread.terminate();
    expect(thread.isAlive).toBe(false);
    expect(await joined).toBeInstanceOf(Error);
  });

  it('join() after terminate() rejects with PoolClosedError naming the thread', async () => {
    const thread = new Thread(t.spinForever, { name: 'spinner' });
    thread.start();
    await thread.terminate();
    const error = await thread.join().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolClosedError);
    expect((error as Error).message).toBe('Thread spinner was terminated');
  });

  it('runs a self-contained function', async () => {
    const thread = track(new Thread((a: string) => a.toUpperCase(), { args: ['up'] }));
    thread.start();
    await expect(thread.join()).resolves.toBe('UP');
  });

  it('start() returns the thread, which keeps its name and is alive until the task settles', async () => {
    const l = latch();
    const thread = track(new Thread(t.block, { args: [l], name: 'worker-1' }));
    expect(thread.isAlive).toBe(false);
    expect(thread.name).toBe('worker-1');
    expect(thread.start()).toBe(thread);
    expect(thread.isAlive).toBe(true);
    expect(typeof thread.threadId).toBe('number');
    release(l);
    expect(await thread.join()).toBe('released');
    expect(thread.isAlive).toBe(false);
  });
});
