// The task module of the @par/processes snippets: plain exported functions.
// Children import it by URL, as Python pickles a function by its qualified name.

export function square(n) {
  return n * n;
}

export function add(a, b) {
  return a + b;
}

/** Sums the primes below `limit`, slowly enough to be worth a process. */
export function sumPrimes(limit) {
  let sum = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) sum += n;
  }
  return sum;
}

/** Reads requests from a pipe and answers each until the parent closes it. */
export async function greeter(conn) {
  for (;;) {
    let name;
    try {
      name = await conn.recv();
    } catch {
      return; // EOFError: the parent closed its end
    }
    conn.send(`hello, ${name} (from pid ${process.pid})`);
  }
}

/** Dies the hard way, as a native addon crash or an OOM kill would. */
export function crash() {
  process.kill(process.pid, 'SIGKILL');
}

/** A consumer in a child: takes jobs from a queue the parent owns until it is shut down. */
export async function worker(jobs, results) {
  for (;;) {
    let job;
    try {
      job = await jobs.get();
    } catch {
      return; // QueueShutDown: no more work
    }
    await results.put({ job, square: job * job, pid: process.pid });
    await jobs.taskDone();
  }
}
