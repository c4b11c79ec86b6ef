// The child entry of @par/processes, which process-boot.ts compiles with V8's code
// cache and starts with `start()`. `argv[2]` names the mode: 'process' runs one task
// and exits (Process); 'pool' serves a pool. A pool child given `argv[3]`, its
// parent's pid, was started so that the kernel kills it when the parent dies
// (parent-death-signal.ts): it needs no watchdog thread, only to check that the
// parent did not die before that was armed.
import { type EntryLoaders, useEntryLoaders } from '@par/core/worker';
import { startPoolChild } from './pool-child.js';
import { startProcessChild } from './process-child.js';
import { watchParent } from './watchdog.js';

/**
 * Starts the child. `loaders` come from the boot file, which Node compiled: task
 * modules load with its require() (ES ones too) and import(), as this file cannot.
 * A pool child calls `onFirstResults` once its first results were written.
 */
export function start(loaders: EntryLoaders, onFirstResults?: () => void): void {
  useEntryLoaders(loaders);
  if (process.argv[2] !== 'pool') startProcessChild(watchParent());
  else if (process.argv[3] === undefined) startPoolChild(watchParent(), onFirstResults);
  else if (process.ppid === Number(process.argv[3])) startPoolChild(() => {}, onFirstResults);
  else process.exit(0);
}
