// 1M items through a bounded queue (maxsize 1000): one producer awaiting put,
// one consumer awaiting get and calling taskDone. Compared with Python's
// asyncio.Queue (same pipeline, run as a python3 subprocess) and with a p-queue
// pipeline (the producer awaits onSizeLessThan(1000) before each add).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from '@par/queue';
import PQueue from 'p-queue';
import { type Contender, get, type Scenario } from './harness.js';
import { findPython, runPythonJson } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));
const ITEMS = 1_000_000;
const MAXSIZE = 1000;

// every pipeline sums what its consumer received and checks it, so a loop can
// be neither optimised away nor lose an item unnoticed
const expectedSum = (items: number): number => (items * (items - 1)) / 2;
function check(name: string, sum: number, items: number): void {
  if (sum !== expectedSum(items)) throw new Error(`${name}: consumer saw the wrong items`);
}

async function parPipeline(items: number): Promise<number> {
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
  check('@par/queue', sum, items);
  return perSecond;
}

async function pQueuePipeline(items: number): Promise<number> {
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
  check('p-queue', sum, items);
  return perSecond;
}

const python: Contender = {
  name: 'Python asyncio.Queue',
  setup() {
    const exe = findPython();
    if (exe === null) python.unavailable = 'python3 not found';
    else pythonExe = exe;
  },
  run: () =>
    pythonExe === null
      ? null
      : (runPythonJson(pythonExe, join(here, '..', 'python', 'queue_bench.py'), [String(ITEMS)])
          .items_per_s ?? null),
};
let pythonExe: string | null = null;

export const scenarios: Scenario[] = [
  {
    id: 'queue-pipeline',
    title: `${ITEMS.toLocaleString('en')} items through a bounded queue (maxsize ${MAXSIZE}), one producer, one consumer`,
    unit: 'items/s',
    better: 'higher',
    rounds: 5,
    warmup: 1,
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
      check: (medians) =>
        get(medians, '@par/queue Queue') >= 4 * get(medians, 'Python asyncio.Queue'),
    },
  },
];
