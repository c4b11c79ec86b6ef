// Section "pipeline": a producer on the main thread feeds a bounded @par/queue Queue;
// consumers on worker threads take from it through queue handles. The queue's fill
// level is sampled while it runs: shown live on a terminal, as a sparkline after.
import { Queue } from '@par/queue';
import { ThreadPool } from '@par/threads';
import { check } from '../check.mjs';
import { count, duration, plural, since, speedUp } from '../format.mjs';
import { t } from '../task-refs.mjs';
import { countPrimesInRange } from '../tasks.mjs';

const BASE_ITEMS = 120;
const ITEM_WIDTH = 20_000;
const FIRST = 1_000_000;
const MAXSIZE = 8;
const SAMPLE_EVERY = 10;
const LEVELS = '▁▂▃▄▅▆▇█';

/**
 * `fill` drawn as a bar of `maxsize` cells.
 * @param {number} fill
 * @param {number} maxsize
 */
function gauge(fill, maxsize) {
  return `▕${'█'.repeat(fill)}${'░'.repeat(Math.max(0, maxsize - fill))}▏ ${fill}/${maxsize}`;
}

/**
 * Fill-level samples squeezed into at most `width` characters (each the bucket's mean).
 * @param {number[]} samples
 * @param {number} maxsize
 */
export function sparkline(samples, maxsize, width = 48) {
  const buckets = Math.min(width, samples.length);
  let text = '';
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((samples.length * b) / buckets);
    const to = Math.floor((samples.length * (b + 1)) / buckets);
    const part = samples.slice(from, Math.max(to, from + 1));
    const mean = part.reduce((a, v) => a + v, 0) / part.length;
    text += LEVELS[Math.round((mean / maxsize) * (LEVELS.length - 1))];
  }
  return text;
}

/** @type {import('../sections.mjs').Section} */
export const pipeline = {
  id: 'pipeline',
  title: 'A producer/consumer pipeline on @par/queue with backpressure',
  about: 'a bounded Queue filled on the main thread, drained by worker threads, fill level live',
  async run({ size, workers, cores, out }) {
    const items = Math.max(4, Math.round(BASE_ITEMS * size));
    const ranges = Array.from(
      { length: items },
      (_, i) =>
        /** @type {[number, number]} */ ([FIRST + i * ITEM_WIDTH, FIRST + (i + 1) * ITEM_WIDTH]),
    );
    out.line(
      `${count(items)} jobs (count the primes in a range of ${count(ITEM_WIDTH)}) through a Queue({ maxsize: ${MAXSIZE} }),`,
    );
    out.line(
      `consumed by ${plural(workers, 'worker thread')} on ${plural(cores, 'core')}; the producer waits while the queue is full.`,
    );
    out.line('');

    // the baseline: the same jobs, one after another on the main thread
    const seqProgress = out.progress('sequential', { total: items });
    let seqPrimes = 0;
    const seqStarted = performance.now();
    for (const range of ranges) {
      seqPrimes += countPrimesInRange(range);
      seqProgress.tick();
    }
    const seqTime = since(seqStarted);
    seqProgress.stop();

    const pool = new ThreadPool({ maxWorkers: workers, minWorkers: workers });
    /** @type {Queue<[number, number]>} */
    const jobs = new Queue({ maxsize: MAXSIZE });
    /** @type {number[]} */
    const samples = [];
    let waits = 0;
    let time;
    let results;
    /** @type {ReturnType<typeof out.progress> | undefined} */
    let progress;
    let handed = 0;
    let produced = 0;
    const sample = () => {
      const fill = jobs.size;
      samples.push(fill);
      const nowHanded = produced - fill;
      progress?.tick(nowHanded - handed);
      handed = nowHanded;
      progress?.status(`queue ${gauge(fill, MAXSIZE)}`);
    };
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let sampler;
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.run(t.square, 2)));
      progress = out.progress(`Queue → ${plural(workers, 'thread')}`, { total: items });
      sampler = setInterval(sample, SAMPLE_EVERY);
      const started = performance.now();
      const consumers = Array.from({ length: workers }, () => pool.run(t.consumeRanges, jobs));
      for (const range of ranges) {
        if (jobs.full()) waits++;
        await jobs.put(range);
        produced++;
      }
      jobs.shutdown(); // consumers drain what is left, then their loops end
      results = await Promise.all(consumers);
      time = since(started);
      sample();
    } finally {
      clearInterval(sampler);
      progress?.stop();
      await pool.close();
    }

    const handled = results.reduce((a, r) => a + r.ranges, 0);
    const primes = results.reduce((a, r) => a + r.primes, 0);
    const maxFill = Math.max(...samples);
    check(handled === items, `the consumers handled ${handled} of ${items} jobs`);
    check(primes === seqPrimes, `the pipeline counted ${primes} primes, sequential ${seqPrimes}`);
    check(maxFill <= MAXSIZE, `the queue held ${maxFill} items, more than its maxsize`);

    out.table(
      [
        { header: 'run' },
        { header: 'workers', align: 'right' },
        { header: 'time', align: 'right' },
        { header: 'speed-up', align: 'right' },
        { header: 'jobs', align: 'right' },
        { header: 'primes', align: 'right' },
        { header: 'queue at most', align: 'right' },
      ],
      [
        [
          'sequential (main thread)',
          '1',
          duration(seqTime),
          speedUp(1),
          count(items),
          count(seqPrimes),
          '–',
        ],
        [
          `Queue → worker threads`,
          String(workers),
          duration(time),
          speedUp(seqTime / time),
          count(handled),
          count(primes),
          `${maxFill}/${MAXSIZE}`,
        ],
      ],
    );
    out.line('');
    out.line(
      `Per consumer: ${results.map((r, i) => `thread ${i + 1} took ${count(r.ranges)}`).join(', ')}.`,
    );
    out.line(`Queue fill level over the run: ▕${sparkline(samples, MAXSIZE)}▏ (▁ empty, █ full)`);
    out.line(
      `The producer found the queue full ${plural(waits, 'time')} and waited: backpressure, not a growing backlog.`,
    );
    return `${speedUp(seqTime / time)} with ${plural(workers, 'consumer thread')}; the queue never held more than ${MAXSIZE} (producer waited ${plural(waits, 'time')})`;
  },
};
