// Section "cpu": the same CPU-bound work (counting primes by trial division, split
// into ranges) run sequentially and on each parallel runner, timed on this machine.
import { check } from '../check.mjs';
import { count, duration, plural, since, speedUp } from '../format.mjs';

/** The primes are counted below BASE_LIMIT × --size: about 2 s on one core at size 1. */
const BASE_LIMIT = 3_000_000;
const RANGES = 64;

/**
 * Splits [0, limit) into `parts` ranges of (nearly) equal width.
 * @param {number} limit
 * @param {number} parts
 * @returns {[number, number][]}
 */
export function splitRange(limit, parts) {
  const n = Math.max(1, Math.min(parts, limit));
  return Array.from({ length: n }, (_, i) => [
    Math.floor((limit * i) / n),
    Math.floor((limit * (i + 1)) / n),
  ]);
}

/**
 * @param {import('./cpu-runners.mjs').CpuRunner[]} runners the first one is the baseline
 * @returns {import('../sections.mjs').Section}
 */
export function cpuSection(runners) {
  return {
    id: 'cpu',
    title: 'CPU-bound work: sequential and in parallel',
    about: `counting primes, sequentially and on ${runners
      .slice(1)
      .map((r) => r.label)
      .join(', ')}`,
    async run({ size, workers, cores, out }) {
      const first = runners[0];
      if (!first) throw new TypeError('cpuSection needs at least one runner (the baseline)');
      const limit = Math.max(1_000, Math.round(BASE_LIMIT * size));
      const ranges = splitRange(limit, RANGES);
      out.line(
        `Counting the primes below ${count(limit)} in ${ranges.length} ranges, on ${plural(cores, 'core')}.`,
      );
      out.line('');
      const rows = [];
      /** @type {number | undefined} */
      let baseline;
      /** @type {number | undefined} */
      let expected;
      const speedUps = [];
      for (const runner of runners) {
        const n = runner.workers(workers);
        const startedUp = performance.now();
        const run = await runner.start(n);
        const startUp = since(startedUp);
        const progress = out.progress(
          runner.label,
          runner.countsProgress ? { total: ranges.length } : {},
        );
        let counts;
        let time;
        try {
          const started = performance.now();
          counts = await run.map(ranges, progress);
          time = since(started);
        } finally {
          progress.stop();
          await run.close();
        }
        const primes = counts.reduce((a, b) => a + b, 0);
        expected ??= primes;
        check(
          primes === expected,
          `${runner.label} counted ${primes} primes, ${first.label} ${expected}`,
        );
        baseline ??= time;
        if (runner !== first) speedUps.push(`${speedUp(baseline / time)} on ${runner.label}`);
        rows.push([
          runner.label,
          String(n),
          runner === first ? '–' : duration(startUp),
          duration(time),
          speedUp(baseline / time),
          count(primes),
        ]);
      }
      out.table(
        [
          { header: 'run' },
          { header: 'workers', align: 'right' },
          { header: 'start-up', align: 'right' },
          { header: 'time', align: 'right' },
          { header: 'speed-up', align: 'right' },
          { header: 'primes', align: 'right' },
        ],
        rows,
      );
      out.line('');
      out.line(
        `Ideal speed-up here: ${speedUp(Math.min(workers, cores))} (${plural(workers, 'worker')} on ${plural(cores, 'core')}).`,
      );
      out.line('Start-up (starting the workers) is shown apart; keep a pool and you pay it once.');
      return `${speedUps.join(', ')} (${plural(workers, 'worker')}, ${plural(cores, 'core')})`;
    },
  };
}
