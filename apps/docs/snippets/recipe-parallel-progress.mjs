import assert from 'node:assert/strict';
import { delayed, Parallel, tasks } from '@par/joblib-style';

const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));

/** `[########------------]   40%  16/40  0.8 s, about 1.2 s left` */
function progressBar({ done, total, elapsed }, width = 20) {
  if (total === undefined) return `${done} done  ${(elapsed / 1000).toFixed(1)} s`;
  const filled = Math.round((done / total) * width);
  const left = done === 0 ? 0 : (elapsed / done) * (total - done);
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`,
    `${String(Math.round((done / total) * 100)).padStart(3)}%`,
    `${done}/${total}`,
    `${(elapsed / 1000).toFixed(1)} s, about ${(left / 1000).toFixed(1)} s left`,
  ].join('  ');
}

// On a terminal the bar redraws in place; in a log (CI, a file) each report is a line.
const draw = (line) =>
  process.stdout.isTTY ? process.stdout.write(`\r${line}`) : console.log(line);

const limits = Array.from({ length: 40 }, (_, i) => 20_000 + i * 1_000);
const reports = [];
const primes = await Parallel({
  nJobs: 2,
  batchSize: 1, // a report after every call ('auto' groups quick calls into batches)
  onProgress: (progress) => {
    reports.push(progress);
    draw(progressBar(progress));
  },
})(limits.map((n) => delayed(t.heavyTask)(n)));
if (process.stdout.isTTY) process.stdout.write('\n');

assert.equal(primes[0], 2262); // primes below 20,000, in input order
assert.equal(primes.length, 40);
assert.deepEqual(
  reports.map((r) => r.done),
  Array.from({ length: 40 }, (_, i) => i + 1),
);
assert.ok(reports.every((r) => r.total === 40));
