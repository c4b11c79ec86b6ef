// A CommonJS consumer of the installed tarballs: the packages are ESM only and load
// through require() (Node 20.19+ loads ES modules synchronously), then each makes a
// real call: a thread pool, a process pool, Parallel, async and queue basics.
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { gather, sleep, TimeoutError, timeout } = require('@par/async');
const { Queue } = require('@par/queue');
const { isTaskRef } = require('@par/core');
const { ThreadPool, tasks } = require('@par/threads');
const { ProcessPool } = require('@par/processes');
const { delayed, Parallel } = require('@par/joblib-style');
const { ClusterPool } = require('@par/cluster');

const t = tasks(pathToFileURL(join(__dirname, 'threads-tasks.mjs')));

async function main() {
  assert.ok(isTaskRef(t.square));
  assert.equal(typeof ClusterPool, 'function');
  assert.deepEqual(await gather([sleep(1).then(() => 1), Promise.resolve(2)]), [1, 2]);
  await assert.rejects(timeout(5, new Promise(() => {})), TimeoutError);

  const queue = new Queue();
  queue.putNowait('a');
  assert.equal(await queue.get(), 'a');

  const threads = new ThreadPool({ maxWorkers: 1 });
  try {
    assert.equal(await threads.run(t.square, 7), 49);
  } finally {
    await threads.close();
  }
  const processes = new ProcessPool({ maxWorkers: 1 });
  try {
    assert.equal(await processes.run((n) => n * 2, 21), 42);
  } finally {
    await processes.close();
  }
  assert.deepEqual(
    await Parallel({ nJobs: 2 })([1, 2, 3].map((x) => delayed(t.square)(x))),
    [1, 4, 9],
  );
  console.log('CommonJS consumer (require) OK');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
