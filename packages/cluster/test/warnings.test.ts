import { describe, expect, it } from 'vitest';
import { clusterForFile, t } from './helpers.js';

const cluster = clusterForFile('warnings', () => ({ concurrency: 8 }));

/** Runs `body` and returns the process warnings emitted meanwhile. */
async function warningsDuring(body: () => Promise<void>): Promise<Error[]> {
  const warnings: Error[] = [];
  const collect = (warning: Error) => warnings.push(warning);
  process.on('warning', collect);
  try {
    await body();
    // warnings are emitted on the next tick after the listener that triggers them
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', collect);
  }
  return warnings;
}

describe('listeners', () => {
  it('many concurrent calls, maps and streams sharing one AbortSignal emit no MaxListenersExceededWarning', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const warnings = await warningsDuring(async () => {
      const calls = Array.from({ length: 100 }, (_, i) =>
        cluster.pool.run({ task: t.square, args: [i], signal }),
      );
      const maps = Array.from({ length: 20 }, () =>
        cluster.pool.map(t.square, [1, 2, 3, 4], { chunkSize: 1, signal }),
      );
      const streamed: number[] = [];
      for await (const v of cluster.pool.imap(
        t.square,
        [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        {
          chunkSize: 1,
          signal,
        },
      )) {
        streamed.push(v);
      }
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
      for (const m of await Promise.all(maps)) expect(m).toEqual([1, 4, 9, 16]);
      expect(streamed).toEqual([25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 256]);
    });
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
  });

  it('an abort still reaches every call that shares the signal', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const warnings = await warningsDuring(async () => {
      const calls = Array.from({ length: 30 }, () =>
        cluster.pool.run({ task: t.gate, args: ['/nonexistent-latch-dir', 'never'], signal }),
      );
      const reason = new Error('stop them all');
      controller.abort(reason);
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason === reason)).toBe(true);
    });
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    expect(cluster.pool.stats().pending).toBe(0);
  });
});
