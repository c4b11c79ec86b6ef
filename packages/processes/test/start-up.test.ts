import { tasks } from '@par/processes';
import { describe, expect, it } from 'vitest';
import { poolsForEachTest } from './helpers.js';

type Tasks = typeof import('./fixtures/start-up-tasks.mjs');
const t = tasks<Tasks>(new URL('./fixtures/start-up-tasks.mjs', import.meta.url));

const pool = poolsForEachTest(1);

describe('a pool child starts lean', () => {
  it('has no IPC channel: its messages travel on its own socket', async () => {
    expect(await pool({ execArgv: [] }).run(t.hasIpcChannel)).toBe(false);
  });

  it('has not loaded child_process by the time its first call runs', async () => {
    const loaded = await pool({ execArgv: [] }).run(t.builtinsLoaded, [
      'child_process',
      'internal/child_process',
      'internal/child_process/serialization',
    ]);
    expect(loaded).toEqual([]);
  });

  it('has not loaded perf_hooks nor the public node:module by the time its first call runs', async () => {
    // the worker's clock reads process.hrtime (the `performance` global loads perf_hooks),
    // and an ES task module loads through the entry's own require()
    const loaded = await pool({ execArgv: [] }).run(t.builtinsLoaded, ['perf_hooks', 'module']);
    expect(loaded).toEqual([]);
  });

  it('has not loaded node:v8 nor node:stream by the time its first call runs: its boot record and plain calls need neither', async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(t.builtinsLoaded, ['v8', 'stream'])).toEqual([]);
    // a value only v8 can carry loads it then
    expect(await p.run(t.echo, new Map([[1, 2]]))).toEqual(new Map([[1, 2]]));
    expect(await p.run(t.builtinsLoaded, ['v8'])).toEqual(['v8']);
  });

  it('answers its first call before it loads node:net for its message socket, and opens it then', async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(t.builtinsLoaded, ['net'])).toEqual([]);
    expect(await p.run(t.builtinsLoaded, ['net'])).toEqual(['net']);
  });

  it('on Linux with setpriv, starts no watchdog thread: the kernel kills it when its parent dies', async () => {
    const p = pool({ execArgv: [] });
    expect(await p.run(t.builtinsLoaded, ['worker_threads'])).toEqual([]);
    // a second call runs user code again: still no thread
    expect(await p.run(t.builtinsLoaded, ['worker_threads'])).toEqual([]);
  });
});
