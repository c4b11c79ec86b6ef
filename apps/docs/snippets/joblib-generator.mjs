import assert from 'node:assert/strict';
import { delayed, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));

// a generator input is read lazily: with batchSize 1, at most preDispatch ('2*nJobs')
// calls ahead of the consumer (auto batches let it grow with the batch size)
let read = 0;
function* calls() {
  for (let i = 0; ; i++) {
    read++;
    yield delayed(t.square)(i);
  }
}

// Python: Parallel(n_jobs=2, return_as='generator')(…)
const squares = [];
for await (const square of Parallel({ nJobs: 2, batchSize: 1, returnAs: 'generator' })(calls())) {
  squares.push(square);
  if (squares.length === 5) break; // closes the input and cancels pending calls
}
assert.deepEqual(squares, [0, 1, 4, 9, 16]);
assert.ok(read <= squares.length + 4, `read ${read} calls of an endless input`);

// 'generator_unordered' yields in completion order
const unordered = [];
for await (const x of Parallel({ nJobs: 2, returnAs: 'generator_unordered' })(
  [5, 6, 7].map((x) => delayed(t.square)(x)),
)) {
  unordered.push(x);
}
assert.deepEqual(
  unordered.sort((a, b) => a - b),
  [25, 36, 49],
);
console.log(squares, unordered);
