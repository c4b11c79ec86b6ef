// The tour around the sections: a section that fails is reported with its stack and
// marked in the summary, the others still run, and the tour reports the failure.
import { describe, expect, it } from 'vitest';
import type { Section } from '../src/sections.mjs';
import { BROWSER_COMMAND, runTour } from '../src/tour.mjs';
import { tableAfter } from './run-cli.js';

function capture() {
  let text = '';
  return {
    stream: { isTTY: false, write: (chunk: string) => (text += chunk) },
    text: () => text,
  };
}

const fine: Section = {
  id: 'fine',
  title: 'A section that works',
  about: 'works',
  async run({ out, workers }) {
    out.line(`ran with ${workers} workers`);
    return 'all good';
  },
};

const broken: Section = {
  id: 'broken',
  title: 'A section whose result is wrong',
  about: 'fails',
  async run() {
    throw new Error('counted 3 primes, expected 4');
  },
};

describe('tour', () => {
  it('prints each section under its title, then a summary and the browser page', async () => {
    const { stream, text } = capture();
    const ok = await runTour({ sections: [fine], size: 1, workers: 3, cores: 2 }, stream);
    expect(ok).toBe(true);
    expect(text()).toContain('── A section that works ──');
    expect(text()).toContain('   ran with 3 workers\n');
    expect(tableAfter(text(), 'section')).toEqual([
      { section: '✔ fine', time: expect.stringMatching(/ms|s/), result: 'all good' },
    ]);
    expect(text()).toContain(BROWSER_COMMAND);
  });

  it('reports a failing section with its stack, runs the next one and resolves to false', async () => {
    const { stream, text } = capture();
    const ok = await runTour({ sections: [broken, fine], size: 1, workers: 1, cores: 2 }, stream);
    expect(ok).toBe(false);
    expect(text()).toContain('✘ broken failed:\nError: counted 3 primes, expected 4\n    at ');
    expect(tableAfter(text(), 'section').map((r) => [r.section, r.result])).toEqual([
      ['✘ broken', 'FAILED (see above)'],
      ['✔ fine', 'all good'],
    ]);
  });
});
