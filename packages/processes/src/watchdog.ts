// Runs in a tiny worker thread of its own, so that it keeps watching while the
// child's main thread is busy in a loop (the 'disconnect' event cannot fire then).
// When the parent is gone (the child was re-parented, or the pid no longer exists)
// it kills the whole child process.
const source = `
const { workerData } = require('node:worker_threads');
const { parent, self, interval } = workerData;
setInterval(() => {
  let gone = process.ppid !== parent;
  if (!gone) {
    try { process.kill(parent, 0); } catch (error) { gone = error.code === 'ESRCH'; }
  }
  if (gone) process.kill(self, 'SIGKILL');
}, interval);
`;

let started = false;

/**
 * Exits at once when the IPC channel to the parent closes (a Process's child; a
 * pool child has no IPC channel, and the end of its message socket does the same,
 * see worker-port.ts), which covers a child whose event loop turns (idle, or
 * running our own start-up code). Returns the
 * function that starts the watchdog thread, for a child whose event loop may be
 * blocked: call it before the child first runs the user's code (a task module's
 * top level, a task, an initializer). The thread's own start-up costs tens of
 * ms of CPU, so it is created then rather than with the process, where it would
 * compete with the child's start-up. The returned function is idempotent.
 */
export function watchParent(interval = 250): () => void {
  const parent = process.ppid;
  process.once('disconnect', () => process.exit(process.exitCode ?? 0));
  return () => {
    if (started) return;
    started = true;
    startWatchdogThread(parent, interval);
  };
}

function startWatchdogThread(parent: number, interval: number): void {
  try {
    // loaded here, not at start-up: a child the kernel watches never needs it
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(source, {
      eval: true,
      workerData: { parent, self: process.pid, interval },
      // no loaders or flags of the task's world: this thread only polls a pid
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    worker.on('error', () => {
      // the 'disconnect' listener (or the pool's socket) still covers an idle child
    });
    worker.unref();
  } catch {
    // as above: without threads the 'disconnect' listener (or the socket) is the fallback
  }
}
