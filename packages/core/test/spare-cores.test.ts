import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import {
  type CpuSample,
  readCpuSample,
  SpareCores,
  spareBetween,
} from '../src/worker/spare-cores.js';

/** Two samples 100 ms apart on a 2-core machine whose counters count in ms. */
function window(busyMs: number, selfMs: number): [CpuSample, CpuSample] {
  const before = { at: 1000, busy: 0, total: 0, self: 0, cores: 2 };
  return [before, { at: 1100, busy: busyMs, total: 200, self: selfMs, cores: 2 }];
}

describe('spareBetween()', () => {
  it('is true when the machine left at least half a core unused', () => {
    expect(spareBetween(...window(60, 0))).toBe(true);
    expect(spareBetween(...window(140, 0))).toBe(true);
  });

  it('is false when the other threads keep more than one and a half cores of two busy', () => {
    expect(spareBetween(...window(170, 0))).toBe(false);
    expect(spareBetween(...window(200, 0))).toBe(false);
  });

  it('does not count the time the sampling thread itself ran', () => {
    // both cores busy, but one of them with this thread (spinning, say)
    expect(spareBetween(...window(200, 100))).toBe(true);
    // both busy, this thread on one of them a fifth of the time: others use 1.8 cores
    expect(spareBetween(...window(200, 20))).toBe(false);
  });

  it('is false for samples that span no time', () => {
    const [before] = window(0, 0);
    expect(spareBetween(before, before)).toBe(false);
  });
});

describe('readCpuSample()', () => {
  const fakeFs = (files: Record<string, string>) =>
    ({
      readFileSync(path: string) {
        const text = files[path];
        if (text === undefined)
          throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
        return text;
      },
    }) as unknown as typeof import('node:fs');

  it("reads the machine's busy and total time, its cores and this thread's run time", () => {
    const sample = readCpuSample(
      fakeFs({
        '/proc/stat':
          'cpu  10 1 5 100 4 2 3 7 0 0\ncpu0 5 0 2 50 2 1 1 3 0 0\ncpu1 5 1 3 50 2 1 2 4 0 0\nintr 1 2\n',
        '/proc/thread-self/schedstat': '2500000 100 3\n',
      }),
    );
    // busy: user, nice, system, irq, softirq, steal; idle and iowait are not
    expect(sample).toMatchObject({ busy: 28, total: 132, cores: 2, self: 2.5 });
  });

  it('is undefined where /proc cannot be read or reads otherwise', () => {
    expect(readCpuSample(fakeFs({}))).toBeUndefined();
    expect(
      readCpuSample(
        fakeFs({ '/proc/stat': 'intr 1 2\n', '/proc/thread-self/schedstat': '1 2 3\n' }),
      ),
    ).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')(
    'counts on Linux the cores the machine has, and the CPU time this thread spends',
    () => {
      const first = readCpuSample() as CpuSample;
      expect(first.cores).toBe(os.cpus().length);
      // burn at least 20 ms of this thread's CPU time, as the kernel counts it
      let last = first;
      while (last.self - first.self < 20) last = readCpuSample() as CpuSample;
      // a thread runs no longer than the time that passed (the kernel adds the slice a
      // running thread is in at its next scheduler tick: up to 10 ms late)
      expect(last.self - first.self).toBeLessThanOrEqual(last.at - first.at + 10);
      // and the machine counted it as busy time
      expect(last.busy).toBeGreaterThan(first.busy);
    },
  );
});

describe('SpareCores', () => {
  /** A clock the test moves. */
  let t = 0;
  const clock = () => t;
  const advance = (ms: number) => {
    t += ms;
  };

  const sample = (at: number, busy: number): CpuSample => ({
    at,
    busy,
    total: 2 * at,
    self: 0,
    cores: 2,
  });

  /** The gate over these samples, in turn, and this load-average verdict. */
  const gateOver = (reads: CpuSample[], loadSpare: () => boolean) =>
    new SpareCores(() => reads.shift(), loadSpare, clock);

  it('decides by the load average until it has two samples, then by the counters', () => {
    const gate = gateOver([sample(t, 0), sample(t + 50, 100)], () => true);
    expect(gate.get()).toBe(true);
    // measured again 50 ms after the first sample: both cores were busy
    advance(49);
    expect(gate.get()).toBe(true);
    advance(1);
    expect(gate.get()).toBe(false);
  });

  it('measures again every 250 ms', () => {
    // idle for 50 ms, busy for the 250 ms after
    const gate = gateOver([sample(t, 0), sample(t + 50, 0), sample(t + 300, 500)], () => false);
    expect(gate.get()).toBe(false);
    advance(50);
    expect(gate.get()).toBe(true);
    advance(249);
    expect(gate.get()).toBe(true);
    advance(1);
    expect(gate.get()).toBe(false);
  });

  it('falls back to the load average for good where the counters cannot be read', () => {
    const read = vi.fn(() => undefined);
    let loadSpare = true;
    const gate = new SpareCores(read, () => loadSpare, clock);
    expect(gate.get()).toBe(true);
    loadSpare = false;
    advance(250);
    expect(gate.get()).toBe(false);
    expect(read).toHaveBeenCalledTimes(1);
  });
});
