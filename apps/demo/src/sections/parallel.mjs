// Section "parallel": joblib's idiom, Parallel(n_jobs=2)(delayed(f)(x) for x in xs),
// with its own progress bar (progress: true draws it on a terminal's stderr) and
// onProgress, which reports { done, total, elapsed } wherever the output goes.
import { delayed, Parallel } from '@par/joblib-style';
import { check } from '../check.mjs';
import { count, duration, plural, since, speedUp } from '../format.mjs';
import { t } from '../task-refs.mjs';
import { splitRange } from './cpu.mjs';

const BASE_LIMIT = 2_000_000;
const CALLS = 128;

/** @type {import('../sections.mjs').Section} */
export const parallelSection = {
  id: 'parallel',
  title: "joblib's Parallel, with its progress bar",
  about: 'Parallel({ nJobs, progress: true })(delayed(f)(x) …) on threads and on processes',
  async run({ size, workers, cores, out }) {
    const limit = Math.max(1_000, Math.round(BASE_LIMIT * size));
    const ranges = splitRange(limit, CALLS);
    const calls = () => ranges.map((range) => delayed(t.countPrimesInRange)(range));
    out.line('const counts = await Parallel({ nJobs, progress: true })(');
    out.line('  ranges.map((range) => delayed(t.countPrimesInRange)(range)),');
    out.line(');');
    out.line('');
    out.line(
      `${count(ranges.length)} delayed calls counting the primes below ${count(limit)}, on ${plural(cores, 'core')}.`,
    );
    out.line('');
    const runs = [
      { label: 'Parallel({ nJobs: 1 })', options: { nJobs: 1 } },
      { label: `Parallel({ nJobs: ${workers} })`, options: { nJobs: workers } },
      {
        label: `Parallel({ nJobs: ${workers}, backend: 'processes' })`,
        options: { nJobs: workers, backend: 'processes' },
      },
    ];
    const rows = [];
    /** @type {number | undefined} */
    let baseline;
    /** @type {number | undefined} */
    let expected;
    const speedUps = [];
    for (const run of runs) {
      let reported = { done: 0, total: 0 };
      // on a terminal the bar (drawn by Parallel on stderr) gets a name
      if (out.live) out.line(`${run.label}:`);
      // one-shot calls reuse an idle pool of the same backend and size: start it untimed
      if (run.options.nJobs > 1)
        await Parallel(run.options)(Array.from({ length: workers }, () => delayed(t.square)(2)));
      const started = performance.now();
      const counts = await Parallel({
        ...run.options,
        progress: true,
        onProgress: (/** @type {{ done: number, total?: number }} */ p) => {
          reported = { done: p.done, total: p.total ?? 0 };
        },
      })(calls());
      const time = since(started);
      const primes = counts.reduce((a, b) => a + b, 0);
      expected ??= primes;
      check(primes === expected, `${run.label} counted ${primes} primes, nJobs 1 ${expected}`);
      check(
        reported.done === ranges.length,
        `${run.label} reported ${reported.done} of ${ranges.length} calls done`,
      );
      baseline ??= time;
      if (rows.length > 0) speedUps.push(`${speedUp(baseline / time)} with ${run.label}`);
      rows.push([
        run.label,
        duration(time),
        speedUp(baseline / time),
        count(primes),
        `${reported.done}/${reported.total}`,
      ]);
    }
    out.table(
      [
        { header: 'run' },
        { header: 'time', align: 'right' },
        { header: 'speed-up', align: 'right' },
        { header: 'primes', align: 'right' },
        { header: 'onProgress', align: 'right' },
      ],
      rows,
    );
    out.line('');
    out.line(
      'nJobs: 1 runs a plain loop in this thread, as joblib does. One-shot Parallel(...) calls',
    );
    out.line('reuse an idle pool of their backend and size; it was started before the timed call.');
    return speedUps.join(', ');
  },
};
