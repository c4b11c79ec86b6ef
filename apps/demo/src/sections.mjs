// The demo's sections, one per Python idiom. Each takes a `print` function and
// returns when its work is done, so the tour and its test share the same code.
import { TimeoutError, timeout } from '@par/async';

/** @typedef {{ id: string, title: string, run: (print: (line: string) => void) => Promise<void> }} Section */

/** @type {Section[]} */
export const sections = [
  {
    id: 'async',
    title: 'asyncio: a deadline with asyncio.timeout()',
    async run(print) {
      const slow = new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      const error = await timeout(50, slow).catch((e) => e);
      print(`timeout(50, slowWork) rejected with ${error.name} (${error.code})`);
      if (!(error instanceof TimeoutError)) throw new Error('expected a TimeoutError');
    },
  },
];
