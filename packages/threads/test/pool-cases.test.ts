// The cases every pool transport must pass (@par/test-support/pool-cases) on
// ThreadPool's worker threads; @par/processes runs the same cases on child processes.
import { poolCases, type TransportTasks, transportTasksUrl } from '@par/test-support/pool-cases';
import { ThreadPool, tasks } from '@par/threads';

poolCases({
  name: 'ThreadPool',
  pool: (options) => new ThreadPool({ maxWorkers: 1, ...options }),
  tasks: tasks<TransportTasks>(transportTasksUrl),
});
