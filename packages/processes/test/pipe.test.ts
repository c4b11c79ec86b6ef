import { ParError, TimeoutError } from '@par/async';
import {
  Connection,
  EOFError,
  NotCloneableError,
  Pipe,
  Process,
  ProcessPool,
  tasks,
} from '@par/processes';
import { describe, expect, it } from 'vitest';

const t = tasks<typeof import('./fixtures/process-tasks.mjs')>(
  new URL('./fixtures/process-tasks.mjs', import.meta.url),
);

describe('Pipe in one process', () => {
  it('returns two connected Connections', () => {
    const [a, b] = Pipe();
    expect(a).toBeInstanceOf(Connection);
    expect(b).toBeInstanceOf(Connection);
  });

  it('delivers values in the order they were sent, both ways', async () => {
    const [a, b] = Pipe<number>();
    a.send(1);
    a.send(2);
    b.send(3);
    expect(await b.recv()).toBe(1);
    expect(await b.recv()).toBe(2);
    expect(await a.recv()).toBe(3);
  });

  it('recv() refuses an unknown option (a misspelt timeout would wait for ever)', async () => {
    const [a] = Pipe();
    await expect(a.recv({ timout: 50 } as never)).rejects.toThrow(
      new TypeError('Unknown option `timout` in `options` (expected signal, timeout)'),
    );
  });

  it('send() refuses a class instance that would arrive as {} (its data in #private fields)', () => {
    class Secret {
      #value = 's';
      get value() {
        return this.#value;
      }
    }
    const [a] = Pipe();
    expect(() => a.send({ owner: new Secret() })).toThrow(
      /^Connection\.send\(\): the value\.owner \(an instance of class Secret\) cannot be sent/,
    );
    expect(() => a.send({ owner: new Secret() })).toThrow(NotCloneableError);
  });

  it('recv() waits while the pipe is open and empty', async () => {
    const [a, b] = Pipe<string>();
    let received: string | undefined;
    const pending = b.recv().then((v) => {
      received = v;
    });
    await Promise.resolve();
    expect(received).toBeUndefined();
    a.send('late');
    await pending;
    expect(received).toBe('late');
  });

  it('what was sent before close() is still delivered, then recv() rejects with EOFError', async () => {
    const [a, b] = Pipe<string>();
    a.send('one');
    a.send('two');
    a.close();
    expect(await b.recv()).toBe('one');
    expect(await b.recv()).toBe('two');
    const error = await b.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EOFError);
    expect(error).toBeInstanceOf(ParError);
    expect((error as EOFError).code).toBe('PAR_EOF');
  });

  it('a waiting recv() rejects with EOFError when the other end closes', async () => {
    const [a, b] = Pipe();
    const pending = b.recv();
    a.close();
    await expect(pending).rejects.toBeInstanceOf(EOFError);
  });

  it('recv() on a closed end rejects with EOFError', async () => {
    const [, b] = Pipe();
    b.close();
    await expect(b.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it('send() on a closed end throws EOFError', () => {
    const [a] = Pipe();
    a.close();
    expect(a.closed).toBe(true);
    expect(() => a.send(1)).toThrow(EOFError);
  });

  it('close() twice is harmless', () => {
    const [a] = Pipe();
    a.close();
    expect(() => a.close()).not.toThrow();
  });

  it('send() copies the value, like pickling at send time', async () => {
    const [a, b] = Pipe<{ n: number }>();
    const value = { n: 1 };
    a.send(value);
    value.n = 2;
    expect(await b.recv()).toEqual({ n: 1 });
  });

  it('send() of a value that cannot be copied throws in the sender', () => {
    const [a] = Pipe<unknown>();
    expect(() => a.send(() => 1)).toThrow();
  });

  it('poll() says whether recv() would return at once', async () => {
    const [a, b] = Pipe();
    expect(await b.poll()).toBe(false);
    a.send('x');
    expect(await b.poll()).toBe(true);
    await b.recv();
    const waiting = b.poll(Number.POSITIVE_INFINITY);
    a.close();
    expect(await waiting).toBe(true);
  });

  it('poll(timeout) resolves false when nothing arrives in time', async () => {
    const [, b] = Pipe();
    expect(await b.poll(1)).toBe(false);
  });

  it('recv({ signal }) rejects with the reason and takes no message', async () => {
    const [a, b] = Pipe<string>();
    const controller = new AbortController();
    const pending = b.recv({ signal: controller.signal });
    const reason = new Error('enough');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    a.send('kept');
    expect(await b.recv()).toBe('kept');
  });

  it('recv({ timeout }) rejects with TimeoutError', async () => {
    const [, b] = Pipe();
    await expect(b.recv({ timeout: 1 })).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('Pipe across processes', () => {
  it('an end passed beside an argument that cannot be sent is released: the peer sees EOF after close()', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    try {
      const [here, there] = Pipe<number>();
      const call = pool.run({ task: t.echo, args: [there, () => 1] as never });
      await expect(call).rejects.toBeInstanceOf(NotCloneableError);
      there.close();
      // the call's copy of `there` was released with it: nothing holds the end open
      await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
    } finally {
      await pool.close();
    }
  });

  it('an EOFError thrown in a pool task arrives as an EOFError', async () => {
    const pool = new ProcessPool({ maxWorkers: 1 });
    try {
      const [here, there] = Pipe<number>();
      here.close();
      const error = await pool.run(t.recvOnce, there).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EOFError);
      expect((error as EOFError).code).toBe('PAR_EOF');
    } finally {
      await pool.close();
    }
  });

  it('an end passed to a Process talks to the parent', async () => {
    const [here, there] = Pipe<string>();
    const p = new Process(t.echo, { args: [there] }).start();
    there.close();
    here.send('ping');
    expect(await here.recv()).toBe('ping');
    here.close();
    expect(await p.join()).toBe(0);
  });

  it("the child's copy closes when it exits: the parent then sees EOF after the values", async () => {
    const [here, there] = Pipe<number>();
    const p = new Process(t.sendTwice, { args: [there, 9] }).start();
    there.close();
    expect(await p.join()).toBe(0);
    expect(await here.recv()).toBe(9);
    expect(await here.recv()).toBe(9);
    await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it("an end passed to a Process is handed over: EOF follows the child's exit without closing it", async () => {
    const [here, there] = Pipe<number>();
    const p = new Process(t.sendTwice, { args: [there, 1] }).start();
    await p.join();
    expect(await here.recv()).toBe(1);
    expect(await here.recv()).toBe(1);
    await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it('using the handed-over end in the parent keeps it open until the parent closes it', async () => {
    const [here, there] = Pipe<number>();
    const p = new Process(t.sendTwice, { args: [there, 1] }).start();
    expect(await there.poll()).toBe(false); // the parent uses its copy again
    await p.join();
    await here.recv();
    await here.recv();
    expect(await here.poll()).toBe(false);
    there.close();
    await expect(here.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it('a child that closes its end and sends nothing leaves EOF for the parent', async () => {
    const [here, there] = Pipe<number>();
    const p = new Process(t.sendAndClose, { args: [there, [1, 2, 3]] }).start();
    there.close();
    const got: number[] = [];
    for (;;) {
      const v = await here.recv().catch((e: unknown) => e);
      if (v instanceof EOFError) break;
      got.push(v as number);
    }
    expect(got).toEqual([1, 2, 3]);
    await p.join();
  });

  it('nothing a child sent just before it exited is lost', async () => {
    const [here, there] = Pipe<number>();
    const items = Array.from({ length: 500 }, (_, i) => i);
    const p = new Process(t.sendAndClose, { args: [there, items] }).start();
    expect(await p.join()).toBe(0);
    const got: number[] = [];
    while (await here.poll()) {
      const v = await here.recv().catch(() => undefined);
      if (v === undefined) break;
      got.push(v);
    }
    expect(got).toEqual(items);
  });

  it('recv() in a child after it closed its own end rejects with EOFError', async () => {
    const [, there] = Pipe();
    expect(await new Process(t.recvAfterClose, { args: [there] }).start().join()).toBe(3);
  });

  it('an EOFError raised on the parent side arrives in the child as an EOFError', async () => {
    const [here, there] = Pipe<string>();
    const child = new Process(t.recvUntilPeerCloses, { args: [there] }).start();
    expect(await here.recv()).toBe('waiting');
    here.close();
    expect(await child.join()).toBe(3);
  });

  it('two children connected by one pipe talk through the parent', async () => {
    const [left, right] = Pipe<string>();
    const [report, reportThere] = Pipe<string>();
    const relay = new Process(t.relay, { args: [left, reportThere] }).start();
    const sender = new Process(t.sendTwice, { args: [right, 'across'] }).start();
    left.close();
    right.close();
    reportThere.close();
    expect(await report.recv()).toBe('across');
    expect(await relay.join()).toBe(0);
    expect(await sender.join()).toBe(0);
  });

  it("a child's recv({ timeout }) rejects with TimeoutError and takes nothing", async () => {
    const [here, there] = Pipe<unknown>();
    const p = new Process(t.recvAfterTimeout, { args: [there] }).start();
    there.close();
    expect(await here.recv()).toBe('PAR_TIMEOUT');
    here.send('after');
    expect(await here.recv()).toBe('after');
    expect(await here.recv()).toBe(false); // poll(0): nothing waiting
    expect(await p.join()).toBe(0);
  });

  it('a closed Connection cannot be passed to a Process', () => {
    const [a] = Pipe();
    a.close();
    expect(() => new Process(t.echo, { args: [a] }).start()).toThrow(EOFError);
  });
});
