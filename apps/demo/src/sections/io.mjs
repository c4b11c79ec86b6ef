// Section "io": many requests to a local server with a fixed latency, one at a time
// and then overlapped on the event loop with @par/async's limit and RateLimiter.
import { limit, RateLimiter } from '@par/async';
import { check } from '../check.mjs';
import { count, duration, plural, since, speedUp } from '../format.mjs';
import { startLatencyServer } from '../latency-server.mjs';

const BASE_REQUESTS = 100;
const LATENCY = 25;
const RATE = { limit: 10, interval: 100 };

/**
 * @param {string} url
 * @returns {Promise<{ id: number }>}
 */
async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/**
 * The runs, each a way to send all requests; `bound` is the most that may be in
 * flight at once (checked against what the server saw).
 * @type {{ label: string, bound?: number, send(ids: number[], get: (id: number) => Promise<{ id: number }>): Promise<{ id: number }[]> }[]}
 */
const runs = [
  {
    label: 'one at a time (await in a loop)',
    bound: 1,
    async send(ids, get) {
      const replies = [];
      for (const id of ids) replies.push(await get(id));
      return replies;
    },
  },
  ...[10, 50].map((n) => ({
    label: `limit(${n})`,
    bound: n,
    /** @param {number[]} ids @param {(id: number) => Promise<{ id: number }>} get */
    send(ids, get) {
      const limited = limit(n);
      return Promise.all(ids.map((id) => limited(get, id)));
    },
  })),
  {
    label: `RateLimiter ${RATE.limit} per ${RATE.interval} ms`,
    send(ids, get) {
      const limiter = new RateLimiter({ ...RATE, strict: true });
      return Promise.all(ids.map((id) => limiter.schedule(get, id)));
    },
  },
];

/** @type {import('../sections.mjs').Section} */
export const io = {
  id: 'io',
  title: 'I/O-bound work: overlapping requests with @par/async',
  about: 'requests to a local server with a fixed latency: one at a time, limit, RateLimiter',
  async run({ size, cores, out }) {
    const requests = Math.max(4, Math.round(BASE_REQUESTS * size));
    const server = await startLatencyServer({ latency: LATENCY });
    const ids = Array.from({ length: requests }, (_, i) => i);
    const rows = [];
    const speedUps = [];
    let baseline;
    try {
      out.line(
        `${count(requests)} GET requests to ${server.url}, which answers each after ${LATENCY} ms.`,
      );
      out.line(
        `All on one thread (of ${plural(cores, 'core')}): the event loop overlaps the waiting.`,
      );
      out.line('');
      for (const run of runs) {
        server.resetStats();
        const progress = out.progress(run.label, { total: requests });
        const get = async (/** @type {number} */ id) => {
          const reply = await getJson(`${server.url}?id=${id}`);
          progress.tick();
          return reply;
        };
        let replies;
        let time;
        try {
          const started = performance.now();
          replies = await run.send(ids, get);
          time = since(started);
        } finally {
          progress.stop();
        }
        check(
          replies.length === requests && replies.every((reply, i) => reply.id === i),
          `${run.label} returned every reply, in request order`,
        );
        check(server.stats.requests === requests, `${run.label} sent each request once`);
        if (run.bound !== undefined)
          check(
            server.stats.maxInFlight <= run.bound,
            `${run.label} kept at most ${run.bound} requests in flight (the server saw ${server.stats.maxInFlight})`,
          );
        baseline ??= time;
        if (rows.length > 0) speedUps.push(`${speedUp(baseline / time)} with ${run.label}`);
        rows.push([
          run.label,
          duration(time),
          speedUp(baseline / time),
          count(Math.round((requests / time) * 1000)),
          String(server.stats.maxInFlight),
        ]);
      }
    } finally {
      await server.close();
    }
    out.table(
      [
        { header: 'run' },
        { header: 'time', align: 'right' },
        { header: 'speed-up', align: 'right' },
        { header: 'requests/s', align: 'right' },
        { header: 'most in flight', align: 'right' },
      ],
      rows,
    );
    out.line('');
    out.line(
      `"most in flight" is counted by the server: limit(n) never lets more than n through; the`,
    );
    out.line(
      `RateLimiter starts at most ${RATE.limit} in any ${RATE.interval} ms (${(RATE.limit * 1000) / RATE.interval} per second), however many wait.`,
    );
    return `${count(requests)} requests: ${speedUps.join(', ')}`;
  },
};
