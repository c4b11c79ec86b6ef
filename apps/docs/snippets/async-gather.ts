import assert from 'node:assert/strict';
import { gather, sleep } from '@par/async';

// Three "requests" overlap on one thread: the total is ~30 ms, not 50 ms.
const fetchUser = async (id: number) => sleep(30, { id, name: `user${id}` });
const fetchPosts = async (id: number) => sleep(20, [`post by ${id}`]);

const [user, posts, answer] = await gather([fetchUser(1), () => fetchPosts(1), 42]);
assert.deepEqual(user, { id: 1, name: 'user1' });
assert.deepEqual(posts, ['post by 1']);
assert.equal(answer, 42);

// returnExceptions: failures stand in their slots instead of rejecting.
const results = await gather(
  [sleep(5, 'ok'), Promise.reject(new Error('down')), () => sleep(1, 'also ok')],
  { returnExceptions: true },
);
assert.equal(results[0], 'ok');
assert.ok(results[1] instanceof Error);
assert.equal(results[2], 'also ok');
console.log('gather:', user.name, posts.length, results.length);
