// The remote-handle layer: a RemoteClient calling an object that serveRemote
// serves at the other end of a channel (here two MessagePorts of one thread).
import { getEventListeners } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { ParError, TimeoutError } from '@par/async';
import { deferred } from '@par/async/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteClient } from '../src/remote-client.js';
import { type RemoteDispatch, type ServeRemoteOptions, serveRemote } from '../src/remote-host.js';
import { channelPort } from './queue-handle-helpers.js';

const gone = () => new ParError('gone', 'PAR_TEST_GONE');
const open: MessageChannel[] = [];

function connect(dispatch: RemoteDispatch, options?: ServeRemoteOptions) {
  const channel = new MessageChannel();
  open.push(channel);
  const hostPort = channelPort(channel.port1);
  serveRemote(hostPort, dispatch, options);
  const client = new RemoteClient(channelPort(channel.port2), gone);
  return { client, close: () => channel.port2.close() };
}

afterEach(() => {
  for (const channel of open.splice(0)) channel.port1.close();
});

describe('remote handles', () => {
  it('runs requests and notifications in the order they were made', async () => {
    const seen: unknown[] = [];
    const { client } = connect((op, args) => {
      seen.push([op, ...args]);
      return op === 'sum' ? (args as number[]).reduce((a, b) => a + b, 0) : undefined;
    });
    client.notify('note', [1]);
    const sum = client.request<number>('sum', [2, 3]);
    client.notify('note', [2]);
    await expect(sum).resolves.toBe(5);
    await expect(client.request('sum', [])).resolves.toBe(0);
    expect(seen).toEqual([['note', 1], ['sum', 2, 3], ['note', 2], ['sum']]);
  });

  it('rebuilds a thrown or rejected error with its class and code', async () => {
    const { client } = connect((op) => {
      if (op === 'throw') throw new TimeoutError('too slow');
      return Promise.reject(Object.assign(new RangeError('bad n'), { code: 'PAR_X' }));
    });
    const thrown = await client.request('throw', []).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TimeoutError);
    expect(thrown).toMatchObject({ message: 'too slow', code: 'PAR_TIMEOUT' });
    const rejected = await client.request('reject', []).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(RangeError);
    expect(rejected).toMatchObject({ message: 'bad n', code: 'PAR_X' });
  });

  it('answers with an error when the value cannot be sent back', async () => {
    const { client } = connect(() => () => 'a function');
    await expect(client.request('fn', [])).rejects.toMatchObject({ name: 'DataCloneError' });
  });

  it('an aborted call waits for the owner: cancelled, it rejects with the reason', async () => {
    const started = deferred<AbortSignal>();
    const { client } = connect((_op, _args, context) => {
      const { signal } = context;
      started.resolve(signal);
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    });
    const controller = new AbortController();
    const call = client.request('wait', [], { signal: controller.signal });
    const hostSignal = await started.promise;
    controller.abort('stop');
    await expect(call).rejects.toBe('stop');
    expect(hostSignal.aborted).toBe(true);
  });

  it('calls sharing a signal add one abort listener to it, which cancels them all, and remove it when done', async () => {
    let started = 0;
    const allStarted = deferred<void>();
    const { client } = connect((op, _args, context) => {
      if (op === 'quick') return 'done';
      if (++started === 20) allStarted.resolve();
      const { signal } = context;
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    });
    const controller = new AbortController();
    const { signal } = controller;
    // a task's signal, shared by every call the task has in flight
    const calls = Array.from({ length: 20 }, () => client.request('wait', [], { signal }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    await allStarted.promise;
    controller.abort('stop');
    for (const call of calls) await expect(call).rejects.toBe('stop');
    const other = new AbortController();
    await expect(
      Promise.all([1, 2, 3].map(() => client.request('quick', [], { signal: other.signal }))),
    ).resolves.toEqual(['done', 'done', 'done']);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });

  it('an aborted call the owner had already completed resolves, so its value is not lost', async () => {
    const release = deferred<string>();
    const started = deferred<void>();
    const { client } = connect(() => {
      started.resolve();
      return release.promise;
    });
    const controller = new AbortController();
    const call = client.request('take', [], { signal: controller.signal });
    await started.promise;
    release.resolve('item'); // the owner completes before it sees the cancel
    await Promise.resolve();
    controller.abort('stop');
    await expect(call).resolves.toBe('item');
  });

  it('with onLateValue an abort rejects at once and a value already sent is handed back', async () => {
    const release = deferred<string>();
    const started = deferred<void>();
    const handedBack = deferred<unknown>();
    const { client } = connect((op) => {
      if (op !== 'recv') return undefined;
      started.resolve();
      return release.promise; // ignores the cancel: the value is on its way
    });
    const controller = new AbortController();
    const call = client.request('recv', [], {
      signal: controller.signal,
      onLateValue: handedBack.resolve,
    });
    await started.promise;
    controller.abort('stop');
    await expect(call).rejects.toBe('stop');
    release.resolve('late');
    await expect(handedBack.promise).resolves.toBe('late');
  });

  it('a closed channel rejects waiting and later calls, and abandons what the owner chooses', async () => {
    const signals = new Map<string, AbortSignal>();
    const closed = deferred<void>();
    const bothStarted = deferred<void>();
    const { client, close } = connect(
      (op, _args, context) => {
        signals.set(String(op), context.signal);
        if (signals.size === 2) bothStarted.resolve();
        return new Promise(() => {});
      },
      { abandonOnClose: (op) => op === 'get', onClose: closed.resolve },
    );
    const get = client.request('get', []);
    const put = client.request('put', []);
    await bothStarted.promise;
    close();
    await expect(get).rejects.toMatchObject({ code: 'PAR_TEST_GONE' });
    await expect(put).rejects.toMatchObject({ code: 'PAR_TEST_GONE' });
    await closed.promise;
    expect(signals.get('get')?.aborted).toBe(true);
    expect(signals.get('put')?.aborted).toBe(false);
    expect(client.closed).toBe(true);
    await expect(client.request('get', [])).rejects.toMatchObject({ code: 'PAR_TEST_GONE' });
    expect(() => client.notify('note', [])).toThrow(/gone/);
  });

  it("the owner can withdraw a waiting call: it rejects with the owner's reason, and a value produced anyway is given back", async () => {
    const given: unknown[] = [];
    const started = deferred<void>();
    const value = deferred<string>();
    let withdraw: ((reason: unknown) => void) | undefined;
    let signal: AbortSignal | undefined;
    const { client } = connect(
      (_op, _args, context) => {
        signal = context.signal;
        withdraw = (reason) => context.withdraw(reason);
        started.resolve();
        return value.promise; // ignores its signal: completes anyway
      },
      {
        giveBack: (op, v) => {
          given.push([op, v]);
          return true;
        },
      },
    );
    const call = client.request('get', []);
    await started.promise;
    withdraw?.(new TimeoutError('given up'));
    expect(signal?.aborted).toBe(true);
    value.resolve('item');
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ message: 'given up' });
    expect(given).toEqual([['get', 'item']]);
  });

  it('a value produced after the channel closed is given back to the owner, not lost', async () => {
    const given: unknown[] = [];
    const started = deferred<void>();
    const value = deferred<string>();
    const closed = deferred<void>();
    const { client, close } = connect(
      (_op, _args, context) => {
        void context.signal; // withdrawable
        started.resolve();
        return value.promise;
      },
      {
        abandonOnClose: () => true,
        onClose: closed.resolve,
        giveBack: (op, v) => {
          given.push([op, v]);
          return true;
        },
      },
    );
    const call = client.request('get', []);
    await started.promise;
    close();
    await expect(call).rejects.toMatchObject({ code: 'PAR_TEST_GONE' });
    await closed.promise;
    value.resolve('item');
    await value.promise;
    await Promise.resolve();
    expect(given).toEqual([['get', 'item']]);
  });
});
