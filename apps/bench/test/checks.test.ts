import { describe, expect, it } from 'vitest';
import { digestOf, distinctPids, equals, squares, WrongResult } from '../src/checks.js';
import { loadScenarios } from '../src/scenarios.js';

/** The expected output with one value changed. */
function corrupt(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (Array.isArray(value)) {
    const copy = [...value];
    const last = copy.at(-1);
    copy[copy.length - 1] = typeof last === 'number' ? last + 1 : 'wrong';
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const [key, inner] = Object.entries(copy)[0] as [string, unknown];
    copy[key] = corrupt(inner);
    return copy;
  }
  return `${String(value)}!`;
}

const scenarios = await loadScenarios();

describe('every scenario checks its results', () => {
  it('has scenarios to check', () => {
    expect(scenarios.length).toBeGreaterThan(10);
  });

  it.each(scenarios.map((s) => [s.id, s] as const))(
    '%s rejects a missing result and accepts only the right one',
    (_id, scenario) => {
      expect(() => scenario.check(undefined)).toThrow(WrongResult);
      expect(() => scenario.check(null)).toThrow(WrongResult);
      expect(() => scenario.check([])).toThrow(WrongResult);
      const expected = scenario.check.expected;
      if (expected === undefined) {
        // the one check without a single right output: process ids of the start-up
        expect(scenario.check.description).toMatch(/process ids/);
        return;
      }
      expect(() => scenario.check(expected())).not.toThrow();
      expect(() => scenario.check(corrupt(expected()))).toThrow(WrongResult);
    },
    // some scenarios check a million results: generous on a busy machine, never the thing asserted
    60_000,
  );
});

describe('result checks', () => {
  it('checks a digest from Python or a child process against the expected results', () => {
    const check = squares(1000);
    const right = digestOf(Array.from({ length: 1000 }, (_, i) => i * i));
    expect(() => check(right)).not.toThrow();
    expect(() => check({ ...right, digest: right.digest + 1 })).toThrow(WrongResult);
    expect(() => check({ ...right, count: 999 })).toThrow(WrongResult);
  });

  it('names the first wrong result', () => {
    const output = Array.from({ length: 10 }, (_, i) => i * i);
    output[3] = 10;
    expect(() => squares(10)(output)).toThrow('result 3 is 10, not 9');
  });

  it('accepts the start-up pids only from as many different child processes', () => {
    const check = distinctPids(2);
    expect(() => check([process.pid + 1, process.pid + 2])).not.toThrow();
    expect(() => check([process.pid + 1, process.pid + 1])).toThrow(WrongResult);
    expect(() => check([process.pid, process.pid + 1])).toThrow(WrongResult);
    expect(() => check([process.pid + 1])).toThrow(WrongResult);
    expect(() => check([1, 'x'])).toThrow(WrongResult);
  });

  it('compares deeply', () => {
    expect(() => equals({ a: [1, 2] })({ a: [1, 2] })).not.toThrow();
    expect(() => equals({ a: [1, 2] })({ a: [1, 3] })).toThrow(WrongResult);
  });
});
