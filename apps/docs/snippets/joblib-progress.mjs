import assert from 'node:assert/strict';
import { delayed, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));

// onProgress reports { done, total, elapsed } after each batch;
// `verbose: 5` would print joblib's lines to stderr, `progress: true` a bar on a TTY
const reports = [];
await Parallel({
  nJobs: 2,
  onProgress: ({ done, total }) => reports.push(`${done}/${total}`),
})(Array.from({ length: 20 }, (_, i) => delayed(t.square)(i)));
assert.equal(reports.at(-1), '20/20');
console.log(reports.at(-1));
