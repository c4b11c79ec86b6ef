import { afterEach, describe, expect, it, vi } from 'vitest';
import { delayed, Parallel } from '../dist/index.js';
import { ProgressBar, renderProgressBar } from '../src/progress-bar.js';
import { shortFormatTime, verbosityFilter } from '../src/verbose.js';

function captureStream(stream: NodeJS.WriteStream): string[] {
  const lines: string[] = [];
  vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return lines;
}

const tinyClock = () => {
  let now = 0;
  return () => (now += 0.01);
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verbose', () => {
  it("prints joblib's lines for nJobs: 1 (as joblib 1.2 prints them for n_jobs=1, verbose=5)", async () => {
    const lines = captureStream(process.stderr);
    await Parallel({ nJobs: 1, verbose: 5, clock: tinyClock() })(
      Array.from({ length: 20 }, (_, i) => delayed((x: number) => x * x)(i)),
    );
    expect(lines).toEqual([
      '[Parallel(nJobs=1)]: Using backend SequentialBackend with 1 concurrent workers.',
      '[Parallel(nJobs=1)]: Done   1 out of   1 | elapsed:    0.0s remaining:    0.0s',
      '[Parallel(nJobs=1)]: Done   2 out of   2 | elapsed:    0.0s remaining:    0.0s',
      '[Parallel(nJobs=1)]: Done   3 out of   3 | elapsed:    0.0s remaining:    0.0s',
      '[Parallel(nJobs=1)]: Done   4 out of   4 | elapsed:    0.0s remaining:    0.0s',
      '[Parallel(nJobs=1)]: Done  20 out of  20 | elapsed:    0.0s finished',
    ]);
  });

  it('prints nothing with verbose 0', async () => {
    const lines = captureStream(process.stderr);
    await Parallel({ nJobs: 1, clock: tinyClock() })([delayed((x: number) => x)(1)]);
    expect(lines).toEqual([]);
  });

  it('prints to stdout from verbose 50', async () => {
    const out = captureStream(process.stdout);
    await Parallel({ nJobs: 1, verbose: 50, clock: tinyClock() })([delayed((x: number) => x)(1)]);
    expect(out[0]).toBe(
      '[Parallel(nJobs=1)]: Using backend SequentialBackend with 1 concurrent workers.',
    );
  });

  it('prints each batch-size decision from verbose 10', async () => {
    const lines = captureStream(process.stderr);
    await Parallel({ nJobs: 2, backend: 'async', verbose: 10, clock: tinyClock() })(
      Array.from({ length: 64 }, (_, i) => delayed((x: number) => x)(i)),
    );
    expect(lines).toContain(
      '[Parallel(nJobs=2)]: Using backend AsyncBackend with 2 concurrent workers.',
    );
    expect(
      lines.some((l) =>
        /Batch computation too fast \(\d\.\d{4}s\.\) Setting batch_size=2\./.test(l),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toBe(
      '[Parallel(nJobs=2)]: Done  64 out of  64 | elapsed:    0.0s finished',
    );
  });

  it('short_format_time and _verbosity_filter match joblib', () => {
    expect(shortFormatTime(0.04)).toBe('   0.0s');
    expect(shortFormatTime(12.34)).toBe('  12.3s');
    expect(shortFormatTime(75)).toBe(' 1.2min');
    expect(shortFormatTime(3600)).toBe('60.0min');
    const shown = (verbose: number, n: number) =>
      Array.from({ length: n }, (_, i) => i).filter((i) => !verbosityFilter(i, verbose));
    // the indices joblib 1.2 prints at
    expect(shown(5, 200)).toEqual([0, 17, 71, 161]);
    expect(shown(9, 60)).toEqual([0, 1, 7, 17, 31, 49]);
    expect(shown(11, 5)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('progress', () => {
  it('reports { done, total, elapsed } after each batch through onProgress', async () => {
    const seen: { done: number; total: number | undefined; elapsed: number }[] = [];
    await Parallel({ nJobs: 1, clock: tinyClock(), onProgress: (p) => seen.push(p) })(
      [1, 2, 3].map((x) => delayed((y: number) => y)(x)),
    );
    expect(seen.map((p) => [p.done, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(seen.every((p) => p.elapsed > 0)).toBe(true);
  });

  it('reports an unknown total while a generator input is still being read', async () => {
    const seen: (number | undefined)[] = [];
    function* input() {
      for (let i = 0; i < 3; i++) yield delayed((y: number) => y)(i);
    }
    await Parallel({ nJobs: 1, onProgress: (p) => seen.push(p.total) })(input());
    expect(seen).toEqual([undefined, undefined, undefined]);
    // read to its end up front: the total is known from the first report
    const known: (number | undefined)[] = [];
    await Parallel({
      nJobs: 2,
      backend: 'async',
      preDispatch: 'all',
      onProgress: (p) => known.push(p.total),
    })(input());
    expect(known.every((total) => total === 3)).toBe(true);
  });

  it('a throwing onProgress fails the run with its error', async () => {
    const boom = new Error('progress failed');
    await expect(
      Parallel({
        nJobs: 1,
        onProgress: () => {
          throw boom;
        },
      })([delayed((y: number) => y)(1)]),
    ).rejects.toBe(boom);
  });

  it('draws nothing when stderr is not a TTY', async () => {
    const lines = captureStream(process.stderr);
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      await Parallel({ nJobs: 1, progress: true })([delayed((y: number) => y)(1)]);
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    expect(lines).toEqual([]);
  });

  it('draws a bar with rate and ETA on a TTY', async () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (s: string) => writes.push(s) };
    const bar = new ProgressBar(stream);
    bar.update(5, 10, 1000);
    bar.update(6, 10, 1050); // throttled: under 100 ms since the last draw
    bar.end(10, 10, 2000);
    expect(writes[0]).toContain(' 50% ');
    expect(writes[0]).toContain('5/10 | 5.0/s | ETA 1s');
    expect(writes.some((w) => w.includes('6/10'))).toBe(false);
    expect(writes.at(-2)).toContain('100% ');
    expect(writes.at(-1)).toBe('\n');
  });

  it('renders the rate and elapsed time when the total is unknown', () => {
    expect(renderProgressBar(2500, undefined, 2000)).toBe('2500 done | 1.3k/s | 2s');
  });

  it('draws through Parallel({ progress: true }) when stderr is a TTY', async () => {
    const lines = captureStream(process.stderr);
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    try {
      await Parallel({ nJobs: 1, progress: true })([1, 2].map((x) => delayed((y: number) => y)(x)));
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    expect(lines.some((l) => l.includes('2/2'))).toBe(true);
  });
});
