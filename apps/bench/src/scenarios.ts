// Every scenario of the bench, in the order the table shows them.
import type { Scenario } from './harness.js';

/** Imports the scenario modules (each sets up its task files on import). */
export async function loadScenarios(): Promise<Scenario[]> {
  const modules = await Promise.all([
    import('./async.js'),
    import('./cluster.js'),
    import('./joblib.js'),
    import('./processes.js'),
    import('./queue.js'),
    import('./shared.js'),
    import('./threads.js'),
    import('./throughput.js'),
  ]);
  return modules.flatMap((m) => m.scenarios);
}
