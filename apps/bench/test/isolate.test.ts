import { describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from '../src/harness.js';
import { runIsolated } from '../src/isolate.js';
import { loadScenarios } from './fixtures/isolation-scenarios.js';

const scenarios = new URL('./fixtures/isolation-scenarios.ts', import.meta.url);
// the scenario's process loads TypeScript as the bench's does
const execArgv = ['--import', 'tsx'];

describe('runIsolated', () => {
  it('runs each scenario in a fresh process: what one leaves in its process is not seen by the next', async () => {
    const marks = await runIsolated('marks', { scenarios, execArgv });
    expect(marks.results[0]?.median).toBeGreaterThan(0);
    const reads = await runIsolated('reads', { scenarios, execArgv });
    expect(reads).toMatchObject({ id: 'reads', unit: 'ops/s', better: 'higher' });
    expect(reads.results[0]?.samples).toHaveLength(1);
    // in one process, the second scenario sees the first one's mark and fails its check
    const [first, second] = (await loadScenarios()) as [Scenario, Scenario];
    await runScenario(first, () => undefined);
    await expect(runScenario(second, () => undefined)).rejects.toThrow('expected clean, got');
  });

  it("rejects, naming the scenario and the exit code, when the scenario's process dies", async () => {
    await expect(runIsolated('crashes', { scenarios, execArgv })).rejects.toThrow(
      'the process of scenario crashes exited with code 3',
    );
  });
});
