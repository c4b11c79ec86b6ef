import assert from 'node:assert/strict';
import { delayed, Parallel, parallelConfig, registerBackend, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));
const calls = () => [1, 2, 3].map((x) => delayed(t.square)(x));

// the same calls on every built-in backend
for (const backend of ['threads', 'processes', 'async', 'sequential']) {
  assert.deepEqual(await Parallel({ nJobs: 2, backend })(calls()), [1, 4, 9]);
}

// 'async' runs any function in the calling thread: good for I/O-bound work
const base = 10;
const fetched = await Parallel({ nJobs: 8, backend: 'async' })(
  [1, 2, 3].map((x) => delayed(async (y) => y + base)(x)),
);
assert.deepEqual(fetched, [11, 12, 13]);

// Python: with parallel_config(backend='processes', n_jobs=2): …
await parallelConfig({ backend: 'processes', nJobs: 2 }, async () => {
  assert.deepEqual(await Parallel()(calls()), [1, 4, 9]);
});

// a backend of your own: runBatch runs a batch of calls and resolves with their results
registerBackend('inline', ({ nJobs }) => ({
  name: 'inline',
  nJobs,
  async runBatch(batch) {
    return Promise.all(batch.map((call) => call.fn(...call.args)));
  },
  async close() {},
  async terminate() {},
}));
const doubled = await Parallel({ nJobs: 2, backend: 'inline' })(
  [1, 2].map((x) => delayed((y) => 2 * y)(x)),
);
assert.deepEqual(doubled, [2, 4]);
console.log(fetched, doubled);
