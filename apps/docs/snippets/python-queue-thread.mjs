import assert from 'node:assert/strict';
import { Queue } from '@par/queue';
import { Thread, tasks } from '@par/threads';

const t = tasks(new URL('./python-tasks.mjs', import.meta.url));

// Python:
//   q = queue.Queue()
//   def consumer():
//       while (item := q.get()) is not None:
//           ...; q.task_done()
//   threading.Thread(target=consumer, daemon=True).start()
//   for i in range(10): q.put(i)
//   q.join()
const queue = new Queue();
const thread = new Thread(t.consumer, { args: [queue] }).start(); // the worker gets a handle
for (let i = 0; i < 10; i++) await queue.put(i);
await queue.join(); // every item was taken and marked done

// Python's daemon thread dies with the program; here the consumer would keep waiting for
// items. shutdown() ends its loop, and join() gives back what the thread returned.
queue.shutdown();
assert.equal(await thread.join(), 45);
console.log('consumer thread summed', 45);
