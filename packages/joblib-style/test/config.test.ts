import { afterAll, describe, expect, it } from 'vitest';
import { cgroupCpuLimit } from '../src/cpu-count.js';
import {
  type BackendOptions,
  cpuCount,
  type DelayedCall,
  delayed,
  effectiveNJobs,
  Parallel,
  type ParallelBackend,
  parallelConfig,
  registerBackend,
} from '../src/index.js';
import { closeSharedBackends } from '../src/shared-backends.js';
import { t } from './helpers.js';

// one-shot Parallel runs reuse process-wide pools; this file's must not outlive it
afterAll(closeSharedBackends);

/** A backend that records what it was built with and runs calls inline. */
function recordingBackend(name: string, seen: BackendOptions[]) {
  return (options: BackendOptions): ParallelBackend => {
    seen.push(options);
    return {
      name,
      nJobs: options.nJobs,
      async runBatch(batch: readonly DelayedCall[]) {
        return batch.map((c) => (c.fn as (...a: unknown[]) => unknown)(...c.args));
      },
      async close() {},
      async terminate() {},
    };
  };
}

describe('effectiveNJobs and cpuCount', () => {
  it("follows joblib's rule", () => {
    const cpus = cpuCount();
    expect(cpus).toBeGreaterThanOrEqual(1);
    expect(effectiveNJobs()).toBe(cpus);
    expect(effectiveNJobs(-1)).toBe(cpus);
    expect(effectiveNJobs(-2)).toBe(Math.max(1, cpus - 1));
    expect(effectiveNJobs(-1000)).toBe(1);
    expect(effectiveNJobs(3)).toBe(3);
    expect(effectiveNJobs(2.9)).toBe(2);
    expect(effectiveNJobs(null)).toBe(1);
    expect(() => effectiveNJobs(0)).toThrow(RangeError);
    expect(() => effectiveNJobs('2' as never)).toThrow(TypeError);
  });

  it('null means the value set by parallelConfig', () => {
    expect(parallelConfig({ nJobs: 3 }, () => effectiveNJobs(null))).toBe(3);
  });

  it('caps the CPU count by a cgroup quota', () => {
    const files: Record<string, string> = { '/sys/fs/cgroup/cpu.max': '150000 100000' };
    const fs = {
      readFileSync(path: string) {
        const text = files[path];
        if (text === undefined) throw new Error('ENOENT');
        return text;
      },
    };
    expect(cgroupCpuLimit(fs)).toBe(2);
    files['/sys/fs/cgroup/cpu.max'] = 'max 100000';
    expect(cgroupCpuLimit(fs)).toBeUndefined();
    delete files['/sys/fs/cgroup/cpu.max'];
    files['/sys/fs/cgroup/cpu/cpu.cfs_quota_us'] = '100000';
    files['/sys/fs/cgroup/cpu/cpu.cfs_period_us'] = '100000';
    expect(cgroupCpuLimit(fs)).toBe(1);
  });
});

describe('registerBackend', () => {
  it('runs Parallel on a registered backend and passes unknown options to its factory', async () => {
    const seen: BackendOptions[] = [];
    registerBackend('recording', recordingBackend('recording', seen));
    const results = await Parallel({ nJobs: 3, backend: 'recording', flavour: 'vanilla' })(
      [1, 2].map((x) => delayed((y: number) => y * 10)(x)),
    );
    expect(results).toEqual([10, 20]);
    expect(seen).toEqual([{ nJobs: 3, flavour: 'vanilla' }]);
  });

  it('a factory that returns something else than a backend is a TypeError naming the backend', async () => {
    registerBackend('broken', (() => null) as never);
    registerBackend('half', (() => ({ name: 'half', nJobs: 1 })) as never);
    await expect(
      Parallel({ nJobs: 2, backend: 'broken' })([delayed((y: number) => y)(1)]),
    ).rejects.toThrow(
      new TypeError(
        "The factory registered for backend 'broken' returned null, not a ParallelBackend",
      ),
    );
    await expect(
      Parallel({ nJobs: 2, backend: 'half' })([delayed((y: number) => y)(1)]),
    ).rejects.toThrow(
      /backend 'half' returned an object without runBatch\(\), close\(\) and terminate\(\)/,
    );
  });

  it('the built-in backends go through the same registry (replacing one takes effect)', async () => {
    const seen: BackendOptions[] = [];
    registerBackend('async', recordingBackend('async', seen));
    try {
      await Parallel({ nJobs: 2, backend: 'async' })([delayed((y: number) => y)(1)]);
      expect(seen).toHaveLength(1);
    } finally {
      const { asyncBackend } = await import('../src/local-backends.js');
      registerBackend('async', asyncBackend);
    }
  });

  it('a consumer reading one result at a time still gets whole batches dispatched', async () => {
    const sizes: number[] = [];
    registerBackend('sizes', ({ nJobs }) => ({
      name: 'sizes',
      nJobs,
      async runBatch(batch: readonly DelayedCall[]) {
        sizes.push(batch.length);
        return batch.map((c) => c.args[0]);
      },
      async close() {},
      async terminate() {},
    }));
    const input = Array.from({ length: 200 }, (_, i) => delayed((x: number) => x)(i));
    let n = 0;
    for await (const value of Parallel({
      nJobs: 2,
      backend: 'sizes',
      batchSize: 10,
      returnAs: 'generator',
    })(input)) {
      expect(value).toBe(n++);
    }
    expect(n).toBe(200);
    // the last round may be split finer (joblib's straggler rule); all others are full
    expect(sizes.slice(0, -10).every((size) => size === 10)).toBe(true);
  });

  it('rejects a bad name or factory', () => {
    expect(() => registerBackend('', recordingBackend('x', []))).toThrow(TypeError);
    expect(() => registerBackend('x', 1 as never)).toThrow(TypeError);
  });
});

describe('parallelConfig', () => {
  it('sets defaults for Parallel inside it, across awaits; explicit options win', async () => {
    const seen: BackendOptions[] = [];
    registerBackend('scoped', recordingBackend('scoped', seen));
    await parallelConfig({ backend: 'scoped', nJobs: 4, color: 'blue' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await Parallel()([delayed((y: number) => y)(1)]);
      await Parallel({ nJobs: 2 })([delayed((y: number) => y)(1)]);
    });
    expect(seen).toEqual([
      { nJobs: 4, color: 'blue' },
      { nJobs: 2, color: 'blue' },
    ]);
    // outside: back to the defaults
    await using p = new Parallel();
    expect(p.backend).toBe('sequential');
  });

  it('nests, inner values over outer ones', () => {
    const n = parallelConfig({ nJobs: 2, backend: 'async' }, () =>
      parallelConfig({ nJobs: 3 }, () => new Parallel()),
    );
    expect(n.nJobs).toBe(3);
    expect(n.backend).toBe('async');
  });

  it('rejects per-call options', () => {
    expect(() => parallelConfig({ returnAs: 'generator' } as never, () => 1)).toThrow(RangeError);
  });
});

describe('prefer and require', () => {
  it('prefer is used only when no backend is given', () => {
    expect(new Parallel({ nJobs: 2, prefer: 'processes' }).backend).toBe('processes');
    expect(new Parallel({ nJobs: 2, prefer: 'processes', backend: 'async' }).backend).toBe('async');
    const configured = parallelConfig(
      { backend: 'async' },
      () => new Parallel({ nJobs: 2, prefer: 'processes' }),
    );
    expect(configured.backend).toBe('async');
  });

  it("require: 'sharedmem' forces threads over a parallelConfig backend, nJobs then 1 unless given", () => {
    const forced = parallelConfig(
      { backend: 'processes', nJobs: 4 },
      () => new Parallel({ require: 'sharedmem' }),
    );
    expect(forced.backend).toBe('sequential'); // threads with nJobs 1: a plain loop
    const given = parallelConfig(
      { backend: 'processes', nJobs: 4 },
      () => new Parallel({ require: 'sharedmem', nJobs: 2 }),
    );
    expect(given.backend).toBe('threads');
    expect(given.nJobs).toBe(2);
  });

  it("require: 'sharedmem' rejects prefer: 'processes' and an explicit processes backend", () => {
    expect(() => Parallel({ require: 'sharedmem', prefer: 'processes' })).toThrow(RangeError);
    expect(() => Parallel({ require: 'sharedmem', backend: 'processes' })).toThrow(RangeError);
  });
});

describe('nested Parallel', () => {
  it('runs on threads at the first nested level and sequentially below', async () => {
    for (const backend of ['threads', 'processes']) {
      const [outer] = await Parallel({ nJobs: 2, backend })([delayed(t.nested)(2)]);
      expect(outer, backend).toEqual({
        backend: 'threads',
        nJobs: 2,
        inner: {
          backend: 'sequential',
          nJobs: 1,
          inner: { backend: 'sequential', nJobs: 1, inner: null },
        },
      });
    }
  });

  it('leaves Parallel in the main program alone', async () => {
    await using p = new Parallel({ nJobs: 2 });
    expect(p.backend).toBe('threads');
  });
});
