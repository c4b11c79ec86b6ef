import assert from 'node:assert/strict';
import { Thread, tasks } from '@par/threads';

const t = tasks(new URL('./threads-tasks.mjs', import.meta.url));

// Python:
//   th = threading.Thread(target=count_primes, args=(0, 50_000), name='counter')
//   th.start(); th.join()
const thread = new Thread(t.countPrimes, { args: [0, 50_000], name: 'counter' });
thread.start();
assert.equal(thread.isAlive, true);
const primes = await thread.join(); // resolves to the task's result
assert.equal(primes, 5133);
assert.equal(thread.isAlive, false);
console.log(`${thread.name} (thread ${thread.threadId}) found ${primes} primes`);
