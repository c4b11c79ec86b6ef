// The command line itself: --help, bad flags, and choosing several sections.
import { describe, expect, it } from 'vitest';
import { sections } from '../src/sections.mjs';
import { runCli, tableAfter } from './run-cli.js';

describe('demo command line', () => {
  it('--help lists every section and flag and exits 0 without running anything', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--only', '--size', '--workers', '--help']) expect(stdout).toContain(flag);
    for (const section of sections)
      expect(stdout).toMatch(new RegExp(`^  ${section.id} +\\S`, 'm'));
    expect(stdout).not.toContain('Summary');
  });

  it.each([
    [
      ['--only', 'nope'],
      'Unknown section "nope" in --only; choose from cpu, io, pipeline, faults, parallel, cluster',
    ],
    [['--size', '0'], 'Expected --size to be a number > 0, got "0"'],
    [['--size', 'big'], 'Expected --size to be a number > 0, got "big"'],
    [['--workers', '1.5'], 'Expected --workers to be a whole number ≥ 1, got "1.5"'],
    [['--fast'], "Unknown option '--fast'"],
    [['cpu'], "Unexpected argument 'cpu'"],
  ])('%j exits with code 2 and says what is wrong', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage:');
  });

  it('--only runs the chosen sections in tour order and sums them up', async () => {
    const { code, stdout } = await runCli(['--only', 'io,cpu', '--size', '0.01', '--workers', '1']);
    expect(code).toBe(0);
    const summary = tableAfter(stdout, 'section');
    expect(summary.map((r) => r.section)).toEqual(['✔ cpu', '✔ io']);
    expect(stdout).toMatch(/Total \d+(\.\d+)? (ms|s)\./);
  }, 180_000);
});
