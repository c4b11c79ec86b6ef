// The cases every pool transport must pass (@par/test-support/pool-cases) on
// ProcessPool's child processes; @par/threads runs the same cases on worker threads.
import { ProcessPool, tasks } from '@par/processes';
import { poolCases, type TransportTasks, transportTasksUrl } from '@par/test-support/pool-cases';

poolCases({
  name: 'ProcessPool',
  pool: (options) => new ProcessPool({ maxWorkers: 1, ...options }),
  tasks: tasks<TransportTasks>(transportTasksUrl),
});
