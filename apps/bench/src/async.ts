// Scheduler overhead of @par/async's limit and map against p-limit and p-map:
// 200k no-op async tasks submitted at once, concurrency 8. The tasks do no work,
// so the figure is the cost of queuing, starting and settling a call.
import { limit, map } from '@par/async';
import pLimit from 'p-limit';
import pMap from 'p-map';
import PQueue from 'p-queue';
import { get, type Scenario } from './harness.js';

const TASKS = 200_000;
const CONCURRENCY = 8;
const noop = async (): Promise<void> => {};
const items = Array.from({ length: TASKS }, (_, i) => i);

// every run checks its results, so nothing can be skipped or lost unnoticed
function check(name: string, results: readonly unknown[]): void {
  if (results.length !== TASKS) throw new Error(`${name}: got ${results.length} results`);
}

// resolves to undefined so that the harness times the run
async function runLimiter(
  name: string,
  limiter: (fn: () => Promise<void>) => Promise<void>,
): Promise<undefined> {
  const calls = new Array<Promise<void>>(TASKS);
  for (let i = 0; i < TASKS; i++) calls[i] = limiter(noop);
  check(name, await Promise.all(calls));
  return undefined;
}

const double = async (x: number): Promise<number> => x * 2;

async function runMap(name: string, mapper: typeof map): Promise<undefined> {
  const results = await mapper(items, double, { concurrency: CONCURRENCY });
  check(name, results);
  if (results[TASKS - 1] !== (TASKS - 1) * 2) throw new Error(`${name}: wrong result`);
  return undefined;
}

export const scenarios: Scenario[] = [
  {
    id: 'async-limit',
    title: `limit: ${TASKS.toLocaleString('en')} no-op async tasks submitted at once, concurrency ${CONCURRENCY}`,
    unit: 'ops/s',
    ops: TASKS,
    better: 'higher',
    rounds: 7,
    warmup: 2,
    contenders: [
      {
        name: '@par/async limit',
        ours: true,
        run: () => runLimiter('@par/async limit', limit(CONCURRENCY)),
      },
      { name: 'p-limit', run: () => runLimiter('p-limit', pLimit(CONCURRENCY)) },
      {
        name: 'p-queue',
        run: () => {
          const queue = new PQueue({ concurrency: CONCURRENCY });
          return runLimiter('p-queue', (fn) => queue.add(fn));
        },
      },
    ],
    bar: {
      description: '>= 2x p-limit',
      check: (medians) => get(medians, '@par/async limit') >= 2 * get(medians, 'p-limit'),
    },
  },
  {
    id: 'async-map',
    title: `map: ${TASKS.toLocaleString('en')} items through an async no-op mapper, concurrency ${CONCURRENCY}`,
    unit: 'items/s',
    ops: TASKS,
    better: 'higher',
    rounds: 7,
    warmup: 2,
    contenders: [
      { name: '@par/async map', ours: true, run: () => runMap('@par/async map', map) },
      { name: 'p-map', run: () => runMap('p-map', pMap as unknown as typeof map) },
    ],
    bar: {
      description: '>= p-map',
      check: (medians) => get(medians, '@par/async map') >= get(medians, 'p-map'),
    },
  },
];
