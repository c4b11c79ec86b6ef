import { describe, expect, it } from 'vitest';
import { equals } from '../src/checks.js';
import { runScenario, type Scenario } from '../src/harness.js';
import { toMarkdown, toSvg } from '../src/report.js';

describe('runScenario', () => {
  it('takes the median of the figures a contender returns and checks the bar', async () => {
    const figures = [5, 1, 3, 9, 7];
    let i = 0;
    const scenario: Scenario = {
      id: 'test',
      title: 'test scenario',
      unit: 'µs',
      better: 'lower',
      warmup: 0,
      rounds: 5,
      check: equals('ok'),
      contenders: [
        { name: 'ours', ours: true, run: () => ({ output: 'ok', figure: figures[i++] as number }) },
        { name: 'peer', run: () => ({ output: 'ok', figure: 10 }) },
      ],
      bar: {
        description: '<= 0.75x peer',
        check: (m) => (m.get('ours') ?? 0) <= 0.75 * (m.get('peer') ?? 0),
      },
    };
    const result = await runScenario(scenario);
    expect(result.results.find((r) => r.name === 'ours')?.median).toBe(5);
    expect(result.bar).toEqual({ description: '<= 0.75x peer', met: true });
  });

  it('marks a contender that returns null as unavailable instead of failing the scenario', async () => {
    const result = await runScenario({
      id: 'py',
      title: 'python row',
      unit: 'items/s',
      better: 'higher',
      rounds: 2,
      check: equals('ok'),
      contenders: [
        { name: 'ours', ours: true, run: () => ({ output: 'ok', figure: 100 }) },
        { name: 'python', run: () => null },
      ],
    });
    expect(result.results[1]).toMatchObject({
      name: 'python',
      median: null,
      unavailable: 'not available here',
    });
    expect(toMarkdown([result], { date: 'd', machine: 'm', node: 'v' })).toContain(
      'n/a (not available here)',
    );
    expect(toSvg([result])).toContain('<svg');
  });
});
