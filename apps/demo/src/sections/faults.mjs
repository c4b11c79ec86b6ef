// Section "faults": tasks that crash their worker, run out of memory or never
// return, on a ThreadPool and on a ProcessPool. Each call rejects with a typed
// error, the calls running beside it are answered, and the pool goes on serving.
import { TimeoutError } from '@par/async';
import { ProcessPool } from '@par/processes';
import { ThreadPool, WorkerCrashedError } from '@par/threads';
import { check } from '../check.mjs';
import { duration, since } from '../format.mjs';
import { t } from '../task-refs.mjs';

const HEAP_MB = 32;
const TIMEOUT = 300;
const GRACE = 200;
const BYSTANDERS = 10;

/**
 * @typedef {import('@par/threads').ThreadPool | import('@par/processes').ProcessPool} Pool
 * @type {{ task: string, call(pool: Pool): Promise<unknown>, expect: typeof WorkerCrashedError | typeof TimeoutError }[]}
 */
const faults = [
  {
    task: 'process.exit(3)',
    call: (pool) => pool.run(t.crash),
    expect: WorkerCrashedError,
  },
  {
    task: 'out of memory',
    call: (pool) => pool.run(t.exhaustMemory),
    expect: WorkerCrashedError,
  },
  {
    task: 'endless loop',
    call: (pool) => pool.run({ task: t.spinForever, args: [], timeout: TIMEOUT }),
    expect: TimeoutError,
  },
];

/**
 * What the error says, in a few words: the exit code, the signal, or the deadline.
 * @param {Error} error
 */
function details(error) {
  if (error instanceof WorkerCrashedError) {
    const how = error.signal ? `killed by ${error.signal}` : `exit code ${error.exitCode}`;
    return /out of memory/.test(error.message) ? `out of memory, ${how}` : how;
  }
  return `no answer within ${TIMEOUT} ms of running`;
}

/** @type {import('../sections.mjs').Section} */
export const faultsSection = {
  id: 'faults',
  title: 'Fault tolerance: crashes, out of memory and timeouts',
  about: 'tasks that crash, exhaust their heap or never return; typed errors, the pool goes on',
  async run({ workers, out }) {
    out.line(
      `Each faulty call runs beside ${BYSTANDERS} ordinary ones on a pool of ${workers}: heap limit ${HEAP_MB} MB,`,
    );
    out.line(
      `timeout ${TIMEOUT} ms, then ${GRACE} ms of grace before a worker that ignores its abort signal is stopped.`,
    );
    out.line('');
    const pools = [
      {
        name: 'ThreadPool',
        create: () =>
          new ThreadPool({
            maxWorkers: workers,
            resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
            gracePeriod: GRACE,
          }),
      },
      {
        name: 'ProcessPool',
        // stdio 'pipe': a child's dying words (V8's out-of-memory report) are kept, not printed
        create: () =>
          new ProcessPool({
            maxWorkers: workers,
            maxOldSpaceSize: HEAP_MB,
            gracePeriod: GRACE,
            stdio: 'pipe',
          }),
      },
    ];
    const rows = [];
    let answered = 0;
    let lastWords = '';
    for (const { name, create } of pools) {
      const pool = create();
      let stderr = '';
      if (pool instanceof ProcessPool) {
        pool.stderr?.setEncoding('utf8').on('data', (/** @type {string} */ text) => {
          stderr += text;
        });
        pool.stdout?.resume();
      }
      try {
        for (const fault of faults) {
          const progress = out.progress(`${name}: ${fault.task}`);
          const started = performance.now();
          const [error, others] = await Promise.all([
            fault.call(pool).then(
              (value) => ({ name: `a value (${JSON.stringify(value)})` }),
              (/** @type {Error} */ e) => e,
            ),
            Promise.all(Array.from({ length: BYSTANDERS }, (_, i) => pool.run(t.square, i))),
          ]);
          const time = since(started);
          progress.stop();
          check(
            error instanceof fault.expect,
            `${name}: ${fault.task} rejects with ${fault.expect.name}, got ${error.name}`,
          );
          check(
            others.every((value, i) => value === i * i),
            `${name}: the calls beside ${fault.task} were answered correctly`,
          );
          answered += others.length;
          const next = await pool.run(t.square, 7);
          check(next === 49, `${name} answers after ${fault.task}`);
          rows.push([
            name,
            fault.task,
            error.name,
            details(error),
            duration(time),
            `${others.length}/${BYSTANDERS} ok`,
            `square(7) = ${next}`,
          ]);
        }
        lastWords ||= stderr.match(/FATAL ERROR: .*/)?.[0] ?? '';
      } finally {
        await pool.close();
      }
    }
    out.table(
      [
        { header: 'pool' },
        { header: 'task' },
        { header: 'rejected with' },
        { header: 'details' },
        { header: 'rejected after', align: 'right' },
        { header: 'beside it' },
        { header: 'next call' },
      ],
      rows,
    );
    out.line('');
    if (lastWords) out.line(`The child that ran out of memory said, on its stderr: "${lastWords}"`);
    out.line("Python's multiprocessing.Pool hangs when a worker dies; here one call fails, typed,");
    out.line('the worker is replaced, and nothing else is lost.');
    return `${rows.length} faults, ${rows.length} typed errors; ${answered}/${answered} calls beside them answered, both pools kept serving`;
  },
};
