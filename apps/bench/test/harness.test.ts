import { describe, expect, it } from 'vitest';
import { equals, WrongResult } from '../src/checks.js';
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

  it('fails the scenario with WrongResult naming the contender when a run returns a wrong result, after tearing every contender down', async () => {
    const tornDown: string[] = [];
    let runs = 0;
    const scenario: Scenario = {
      id: 'wrong',
      title: 'wrong result',
      unit: 'ops/s',
      better: 'higher',
      warmup: 0,
      rounds: 3,
      check: equals(42),
      contenders: [
        {
          name: 'good',
          run: () => ({ output: 42, figure: 1 }),
          teardown: () => void tornDown.push('good'),
        },
        {
          name: 'liar',
          // right in the first round, wrong in the second
          run: () => ({ output: runs++ === 0 ? 42 : 41, figure: 1 }),
          teardown: () => void tornDown.push('liar'),
        },
      ],
    };
    const failure = runScenario(scenario);
    await expect(failure).rejects.toThrow(WrongResult);
    await expect(failure).rejects.toThrow(
      'wrong: liar returned a wrong result: expected 42, got 41',
    );
    expect(tornDown.sort()).toEqual(['good', 'liar']);
  });

  it('fails the scenario when a run returns no result at all', async () => {
    const scenario: Scenario = {
      id: 'missing',
      title: 'missing result',
      unit: 'ms',
      better: 'lower',
      check: equals(1),
      contenders: [{ name: 'silent', run: () => undefined as never }],
    };
    await expect(runScenario(scenario)).rejects.toThrow('missing: silent returned no result');
  });

  it('records the spread of the rounds beside the median', async () => {
    const figures = [4, 2, 8];
    let i = 0;
    const result = await runScenario({
      id: 'spread',
      title: 'spread',
      unit: 'ms',
      better: 'lower',
      warmup: 0,
      rounds: 3,
      check: equals('ok'),
      contenders: [
        { name: 'ours', ours: true, run: () => ({ output: 'ok', figure: figures[i++] as number }) },
      ],
    });
    expect(result.results[0]).toMatchObject({ median: 4, spread: { min: 2, max: 8 } });
  });
});
