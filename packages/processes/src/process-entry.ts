// The entry file of every child process @par/processes starts. `argv[2]` names
// the mode: 'process' runs one task and exits (Process); 'pool' serves a pool.
import { startPoolChild } from './pool-child.js';
import { startProcessChild } from './process-child.js';
import { watchParent } from './watchdog.js';

const startWatchdog = watchParent();
if (process.argv[2] === 'pool') startPoolChild(startWatchdog);
else startProcessChild(startWatchdog);
