import assert from 'node:assert/strict';
import { Thread, tasks } from '@par/threads';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));

// Python:
//   threads = [threading.Thread(target=count_primes, args=(n,)) for n in (20_000, 30_000)]
//   for th in threads: th.start()
//   for th in threads: th.join()
const threads = [20_000, 30_000].map((n) => new Thread(t.countPrimes, { args: [n] }));
for (const th of threads) th.start();
const counts = [];
for (const th of threads) counts.push(await th.join()); // join() resolves to the result
assert.deepEqual(counts, [2262, 3245]);
console.log(counts);
