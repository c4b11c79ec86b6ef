// Scheduler overhead of @par/async's limit and map against p-limit and p-map:
// 200k no-op async tasks submitted at once, concurrency 8. The tasks do no work,
// so the figure is the cost of queuing, starting and settling a call. `limit`
// against p-limit runs as several separate scenarios: every run is reported.
import { limit, map } from '@par/async';
import pLimit from 'p-limit';
import pMap from 'p-map';
import PQueue from 'p-queue';
import { identity, sequence } from './checks.js';
import { get, type Outcome, type Scenario } from './harness.js';
import { sized } from './scale.js';

const TASKS = sized(200_000);
const CONCURRENCY = 8;
/** `limit` against p-limit is run as this many separate scenarios, each reported. */
const LIMIT_RUNS = 4;
const items = Array.from({ length: TASKS }, (_, i) => i);

// the harness times the run and checks its output: every task's own result, in order
async function runLimiter(
  limiter: (fn: () => Promise<number>) => Promise<number>,
): Promise<Outcome> {
  const calls = new Array<Promise<number>>(TASKS);
  for (let i = 0; i < TASKS; i++) calls[i] = limiter(async () => i);
  return { output: await Promise.all(calls) };
}

const double = async (x: number): Promise<number> => x * 2;

async function runMap(mapper: typeof map): Promise<Outcome> {
  return { output: await mapper(items, double, { concurrency: CONCURRENCY }) };
}

const limitScenario = (run: number): Scenario => ({
  id: `async-limit-${run}`,
  title: `limit: ${TASKS.toLocaleString('en')} no-op async tasks submitted at once, concurrency ${CONCURRENCY} (run ${run} of ${LIMIT_RUNS})`,
  unit: 'ops/s',
  ops: TASKS,
  better: 'higher',
  // a run lasts about 0.3 s and its figure swings with where the young-generation
  // collections fall: 9 rounds per contender make the median steadier
  rounds: 9,
  warmup: 1,
  check: identity(TASKS),
  contenders: [
    { name: '@par/async limit', ours: true, run: () => runLimiter(limit(CONCURRENCY)) },
    { name: 'p-limit', run: () => runLimiter(pLimit(CONCURRENCY)) },
    {
      name: 'p-queue',
      run: () => {
        const queue = new PQueue({ concurrency: CONCURRENCY });
        return runLimiter((fn) => queue.add(fn));
      },
    },
  ],
  bar: {
    description: '>= 2x p-limit',
    check: (medians) => get(medians, '@par/async limit') >= 2 * get(medians, 'p-limit'),
  },
});

export const scenarios: Scenario[] = [
  ...Array.from({ length: LIMIT_RUNS }, (_, i) => limitScenario(i + 1)),
  {
    id: 'async-map',
    title: `map: ${TASKS.toLocaleString('en')} items through an async no-op mapper, concurrency ${CONCURRENCY}`,
    unit: 'items/s',
    ops: TASKS,
    better: 'higher',
    rounds: 7,
    warmup: 2,
    check: sequence(TASKS, (i) => i * 2, `0..${TASKS - 1} doubled`),
    contenders: [
      { name: '@par/async map', ours: true, run: () => runMap(map) },
      { name: 'p-map', run: () => runMap(pMap as unknown as typeof map) },
    ],
    bar: {
      description: '>= p-map',
      check: (medians) => get(medians, '@par/async map') >= get(medians, 'p-map'),
    },
  },
];
