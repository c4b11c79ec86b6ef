import { Barrier } from '../../../src/shared/barrier.js';
import { Lock } from '../../../src/shared/lock.js';

self.onmessage = (event: MessageEvent) => {
  const { lock, barrier, counter, iterations } = event.data as {
    lock: SharedArrayBuffer;
    barrier: SharedArrayBuffer;
    counter: Int32Array;
    iterations: number;
  };
  const l = Lock.fromShared(lock);
  const b = Barrier.fromShared(barrier);
  const indexes: number[] = [];
  const first = l.acquire(); // a worker blocks: a boolean, not a promise
  l.release();
  for (let round = 0; round < 3; round++) {
    indexes.push(b.wait() as number);
    for (let i = 0; i < iterations; i++) {
      l.acquire();
      const v = counter[0] as number;
      counter[0] = v + 1;
      l.release();
    }
  }
  (self as unknown as Worker).postMessage({ indexes, blocking: first === true });
};
