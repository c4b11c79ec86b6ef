// 1M items through a bounded queue (maxsize 1000): one producer awaiting put,
// one consumer awaiting get and calling taskDone. Compared with Python's
// asyncio.Queue (same pipeline, run as a python3 subprocess) and with a p-queue
// pipeline (the producer awaits onSizeLessThan(1000) before each add).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from '@par/queue';
import PQueue from 'p-queue';
import { equals } from './checks.js';
import { type Contender, get, type Outcome, type Scenario } from './harness.js';
import { findPython, NO_PYTHON, pythonRow, runPythonJson } from './python.js';
import { sized } from './scale.js';

const here = dirname(fileURLToPath(import.meta.url));
const ITEMS = sized(1_000_000);
const MAXSIZE = 1000;

// every pipeline returns the sum of what its consumer received (checked by the
// harness), so a loop can be neither optimised away nor lose an item unnoticed
const expectedSum = (items: number): number => (items * (items - 1)) / 2;

async function parPipeline(items: number): Promise<Outcome> {
  const queue = new Queue<number>({ maxsize: MAXSIZE });
  let sum = 0;
  const start = process.hrtime.bigint();
  const consumer = (async () => {
    for (let i = 0; i < items; i++) {
      sum += await queue.get();
      queue.taskDone();
    }
  })();
  for (let i = 0; i < items; i++) await queue.put(i);
  await consumer;
  await queue.join();
  const perSecond = items / (Number(process.hrtime.bigint() - start) / 1e9);
  return { output: sum, figure: perSecond };
}

async function pQueuePipeline(items: number): Promise<Outcome> {
  const queue = new PQueue({ concurrency: 1 });
  let sum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < items; i++) {
    await queue.onSizeLessThan(MAXSIZE);
    void queue.add(async () => {
      sum += i;
    });
  }
  await queue.onIdle();
  const perSecond = items / (Number(process.hrtime.bigint() - start) / 1e9);
  return { output: sum, figure: perSecond };
}

const PYTHON = pythonRow('asyncio.Queue');
const python: Contender = {
  name: PYTHON,
  setup() {
    if (findPython() === null) python.unavailable = NO_PYTHON;
  },
  run: () => {
    const exe = findPython();
    if (exe === null) return null;
    const out = runPythonJson(exe.path, join(here, '..', 'python', 'queue_bench.py'), [
      String(ITEMS),
    ]);
    if (typeof out.items_per_s !== 'number')
      throw new Error(`queue_bench.py printed no figure: ${JSON.stringify(out)}`);
    return { output: out.sum, figure: out.items_per_s };
  },
};

export const scenarios: Scenario[] = [
  {
    id: 'queue-pipeline',
    title: `${ITEMS.toLocaleString('en')} items through a bounded queue (maxsize ${MAXSIZE}), one producer, one consumer`,
    unit: 'items/s',
    better: 'higher',
    rounds: 5,
    warmup: 1,
    check: equals(expectedSum(ITEMS), `the sum of 0..${ITEMS - 1}`),
    contenders: [
      { name: '@par/queue Queue', ours: true, run: () => parPipeline(ITEMS) },
      python,
      {
        name: 'p-queue (onSizeLessThan + add)',
        run: () => pQueuePipeline(ITEMS),
      },
    ],
    bar: {
      description: ">= 4x Python's asyncio.Queue",
      check: (medians) => get(medians, '@par/queue Queue') >= 4 * get(medians, PYTHON),
    },
  },
];
