// Flags: defaults, --only, --size and --workers, and what a bad value says.
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError, usage } from '../src/options.mjs';
import { sections } from '../src/sections.mjs';

const parse = (argv: string[]) => parseOptions(argv, { sections, cores: 3 });

describe('options', () => {
  it('defaults to every section, size 1 and one worker per core', () => {
    expect(parse([])).toEqual({ help: false, sections, size: 1, workers: 3 });
  });

  it('--only keeps the tour order whatever the order asked', () => {
    const options = parse(['--only', 'faults, cpu']);
    expect(options.help === false && options.sections.map((s) => s.id)).toEqual(['cpu', 'faults']);
  });

  it('--size and --workers take numbers', () => {
    expect(parse(['--size', '0.25', '--workers', '5'])).toMatchObject({ size: 0.25, workers: 5 });
  });

  it('-h and --help ask for the usage text', () => {
    expect(parse(['-h'])).toEqual({ help: true });
    expect(parse(['--workers', '2', '--help'])).toEqual({ help: true });
  });

  it.each([
    [['--only', ''], /Unknown section "" in --only/],
    [
      ['--only', 'cpu,gpu'],
      /Unknown section "gpu" in --only; choose from cpu, io, pipeline, faults, parallel, cluster/,
    ],
    [['--size=-1'], /Expected --size to be a number > 0, got "-1"/],
    [['--workers', '0'], /Expected --workers to be a whole number ≥ 1, got "0"/],
    [['--size'], /--size/],
  ])('%j throws a UsageError naming the flag', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });

  it('the usage text names the default worker count', () => {
    expect(usage(sections, 3)).toContain('(default: 3, the cores here)');
  });
});
