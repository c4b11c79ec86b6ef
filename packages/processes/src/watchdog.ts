import { Worker } from 'node:worker_threads';

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

/**
 * Starts the parent-death watchdog in the current (child) process. Also exits at
 * once when the IPC channel to the parent closes, which covers an idle child.
 */
export function watchParent(interval = 250): void {
  const parent = process.ppid;
  process.once('disconnect', () => process.exit(process.exitCode ?? 0));
  try {
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
      // the 'disconnect' listener still covers an idle child
    });
    worker.unref();
  } catch {
    // as above: without threads the 'disconnect' listener is the fallback
  }
}
