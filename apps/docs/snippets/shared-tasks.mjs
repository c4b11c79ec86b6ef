// Task module for the shared-memory snippets. Runs in worker threads, where
// acquire() and wait() block and return plain values.

// `balance[0] += amount` is a read and a write: guard it with the lock
export function deposit(lock, balance, amount, times) {
  for (let i = 0; i < times; i++) {
    lock.acquire();
    try {
      balance[0] += amount;
    } finally {
      lock.release();
    }
  }
}

// the same update without the lock, after a barrier has made every task read
// the old balance first: all but one of the writes are lost
export function unsafeDeposit(barrier, balance, amount) {
  const seen = balance[0];
  barrier.wait();
  balance[0] = seen + amount;
}

// phase 1, wait for everyone, phase 2: Barrier#wait() returns 0..parties-1
export function twoPhases(barrier, cells, index) {
  cells[index] = index + 1; // phase 1: fill my cell
  const arrival = barrier.wait(); // everyone has filled theirs
  let total = 0; // phase 2: read all cells
  for (const cell of cells) total += cell;
  return { arrival, total };
}

export function waitForStart(start, timeout) {
  return start.wait({ timeout }) ? 'started' : 'gave up';
}

export function countHits(hits, n) {
  const lock = hits.getLock();
  for (let i = 0; i < n; i++) {
    lock.acquire();
    try {
      hits.value += 1;
    } finally {
      lock.release();
    }
  }
}

// a Condition guarding a one-slot mailbox: [full flag, value]
export function producer(cond, box, values) {
  for (const value of values) {
    cond.acquire();
    try {
      cond.waitFor(() => box[0] === 0); // wait until the slot is empty
      box[1] = value;
      box[0] = 1;
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }
}

export function consumer(cond, box, count) {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    cond.acquire();
    try {
      cond.waitFor(() => box[0] === 1); // wait until the slot is full
      sum += box[1];
      box[0] = 0;
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }
  return sum;
}

// a @par/queue Queue arrives here as an async handle on the main thread's queue
export async function worker(jobs, results) {
  for await (const job of jobs) await results.put(job * job);
}

export function sum(bytes) {
  let total = 0;
  for (const b of new Uint8Array(bytes)) total += b;
  return total;
}
